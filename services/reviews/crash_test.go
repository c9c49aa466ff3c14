package reviews_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	mathrand "math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/event"
	"example.com/quartet/services/reviews"
	mongostore "example.com/quartet/services/reviews/internal/mongo"
	domain "example.com/quartet/services/reviews/internal/reviews"
)

// Environment of the child process of TestCrashDuringBurst.
const (
	crashChildURI      = "REVIEWS_CRASH_CHILD_URI" // set only in the child
	crashChildDatabase = "REVIEWS_CRASH_CHILD_DATABASE"
	crashChildRound    = "REVIEWS_CRASH_CHILD_ROUND"
)

const (
	crashRounds   = 3
	crashWorkers  = 6
	crashKillAt   = 60               // operations the child completes before it is killed
	crashRepairIn = 10 * time.Second // summaries must be exact this soon after the restart
)

var crashProducts = []string{
	"0190a000-0000-7000-8000-0000000000e1",
	"0190a000-0000-7000-8000-0000000000e2",
	"0190a000-0000-7000-8000-0000000000e3",
}

// TestCrashDuringBurst kills -9, three times, a process that runs the
// reviews store in the middle of a burst of review creations, rating edits
// and deletions and helpful votes by six concurrent writers. The database (embedded FerretDB
// in this test process, or the MongoDB at TEST_MONGODB_URI) outlives it.
// After each kill the context is started again, as a new Lambda execution
// environment or make dev would be, and every summary must equal a recount
// of the reviews, and every helpful count its votes, within 10 s, with no
// manual step: the start sweep finishes
// what the dead process owed.
func TestCrashDuringBurst(t *testing.T) {
	if uri := os.Getenv(crashChildURI); uri != "" {
		crashChild(t, uri, os.Getenv(crashChildDatabase), os.Getenv(crashChildRound))
		return
	}
	t.Run("FerretDB", func(t *testing.T) {
		srv, err := embeddedferret.Start(embeddedferret.Options{DataPath: t.TempDir()})
		if err != nil {
			t.Fatalf("start FerretDB: %v", err)
		}
		t.Cleanup(func() {
			if err := srv.Stop(); err != nil {
				t.Errorf("stop FerretDB: %v", err)
			}
		})
		crashDuringBurst(t, srv.URI(), func(t *testing.T) { drainFerretDB(t, srv.URI()) })
	})
	t.Run("MongoDB", func(t *testing.T) {
		uri := os.Getenv("TEST_MONGODB_URI")
		if uri == "" {
			// Optional everywhere, as in internal/mongo: no MongoDB runs in
			// CI, and FerretDB covers the store there.
			t.Skip("TEST_MONGODB_URI is not set")
		}
		crashDuringBurst(t, uri, func(*testing.T) {})
	})
}

// drainFerretDB waits until the FerretDB serving uri in this process has
// finished every command of the killed child. FerretDB v1 runs an update
// as a read and a separate write, and the store serializes updates of a
// document within one process only (see the README), so the restarted
// process must not update documents while the dead one's last commands
// still run inside FerretDB. FerretDB serves each connection in a loop of
// read, run, reply, and closes it only when that loop ends: a connection
// whose client is gone stays in CLOSE_WAIT until its last command is done.
// (A connection the kernel reset had no command in flight: its client had
// not read a reply.) On MongoDB, updates are atomic: nothing to wait for.
func drainFerretDB(t *testing.T, uri string) {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.ParseUint(u.Port(), 10, 16)
	if err != nil {
		t.Fatalf("port of %s: %v", uri, err)
	}
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		// Not Linux: no socket table to read. FerretDB finishes a command
		// within milliseconds; a second is a generous stand-in.
		t.Logf("no /proc/net/tcp (%v): waiting 1 s for FerretDB instead", err)
		time.Sleep(time.Second)
		return
	}
	start, most := time.Now(), 0
	for {
		n, err := closeWaitSockets(uint16(port))
		if err != nil {
			t.Fatalf("count the connections FerretDB has left to close: %v", err)
		}
		most = max(most, n)
		if n == 0 {
			t.Logf("FerretDB closed the killed process's connections (up to %d left open) within %v", most, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("FerretDB still holds %d connections of the killed process after 10 s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// closeWaitSockets counts the TCP sockets on local port whose peer has
// closed and which their owner has not closed yet (state CLOSE_WAIT, 08 in
// /proc/net/tcp).
func closeWaitSockets(port uint16) (int, error) {
	n := 0
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if errors.Is(err, fs.ErrNotExist) && table == "/proc/net/tcp6" {
			continue
		}
		if err != nil {
			return 0, err
		}
		for i, line := range strings.Split(string(data), "\n") {
			fields := strings.Fields(line)
			if i == 0 || len(fields) < 4 {
				continue
			}
			_, local, _ := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseUint(local, 16, 16); err == nil && uint16(p) == port && fields[3] == "08" {
				n++
			}
		}
	}
	return n, nil
}

// crashDuringBurst runs the rounds on the server at uri; drain waits, after
// each kill, until the server has finished the killed process's commands.
func crashDuringBurst(t *testing.T, uri string, drain func(*testing.T)) {
	ctx := context.Background()
	cfg := reviews.Config{MongoURI: uri, Database: "reviews_crash_" + strings.ToLower(rand.Text()[:10])}
	app, err := reviews.New(ctx, cfg, discard)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := app.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	app.Close()
	raw, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	db := raw.Database(cfg.Database)
	t.Cleanup(func() {
		if err := db.Drop(context.Background()); err != nil {
			t.Errorf("drop database %s: %v", db.Name(), err)
		}
		_ = raw.Disconnect(context.Background())
	})

	totalOwed := int64(0)
	for round := 1; round <= crashRounds; round++ {
		runAndKillChild(t, uri, cfg.Database, round)
		drain(t)
		owed, err := countOwing(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		totalOwed += owed

		restart := time.Now()
		var log strings.Builder
		restarted := cfg
		restarted.SweepInterval = time.Second                                             // as make dev runs it
		app, err := reviews.New(ctx, restarted, slog.New(slog.NewTextHandler(&log, nil))) // sweeps at start
		if err != nil {
			t.Fatalf("round %d: New after the crash: %v", round, err)
		}
		for {
			drift, err := app.Recompute(ctx, false) // a recount; repairs nothing
			left, cerr := countOwing(ctx, db)
			if err == nil && cerr == nil && drift.None() && left == 0 {
				break
			}
			if time.Since(restart) > crashRepairIn {
				app.Close()
				t.Logf("log of the restarted context:\n%s", log.String())
				t.Fatalf("round %d: %v after the restart, summaries and counts still differ from the reviews and votes: %+v (%v); %d owed changes left (%v)",
					round, crashRepairIn, drift, err, left, cerr)
			}
			time.Sleep(20 * time.Millisecond)
		}
		app.Close()
		t.Logf("round %d: killed with %d reviews and votes owing a change; exact %v after the restart",
			round, owed, time.Since(restart).Round(time.Millisecond))
		t.Logf("log of the restarted context:\n%s", log.String())
	}
	n, err := db.Collection("reviews").CountDocuments(ctx, bson.D{})
	if err != nil || n == 0 {
		t.Fatalf("reviews after the bursts: %d, %v; want some", n, err)
	}
	if totalOwed == 0 {
		t.Errorf("no kill of %d landed between an operation's writes: the test proved nothing", crashRounds)
	}
	checkOutboxMatches(t, db)
}

// checkOutboxMatches checks that the killed processes wrote no change
// without its event and no event without its change: nothing published
// them (no bus), so the outbox holds every event written, and the ratings
// they add up to, product by product (+rating submitted, previous to
// rating revised, -rating withdrawn), must be the summaries' histograms.
func checkOutboxMatches(t *testing.T, db *mongo.Database) {
	t.Helper()
	ctx := context.Background()
	store := mongostore.NewStore(db, mongostore.Options{SerializeUpdates: true})
	events, err := store.Pending(ctx, time.Now().Add(time.Hour), 1_000_000)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	fromEvents := make(map[string]*[domain.MaxRating]int)
	for _, e := range events {
		var d struct {
			ProductID      string `json:"productId"`
			PreviousRating int    `json:"previousRating"`
			Rating         int    `json:"rating"`
		}
		if err := e.Decode(&d); err != nil {
			t.Fatal(err)
		}
		h := fromEvents[d.ProductID]
		if h == nil {
			h = new([domain.MaxRating]int)
			fromEvents[d.ProductID] = h
		}
		switch e.Type {
		case domain.TypeReviewSubmitted:
			h[d.Rating-1]++
		case domain.TypeReviewRevised:
			h[d.PreviousRating-1]--
			h[d.Rating-1]++
		case domain.TypeReviewWithdrawn:
			h[d.Rating-1]--
		}
	}
	for _, p := range crashProducts {
		sum, err := store.Summary(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		want := [domain.MaxRating]int{}
		if h := fromEvents[p]; h != nil {
			want = *h
		}
		if sum.Histogram != want {
			t.Errorf("product %s: the outbox's %d events add up to %v, the summary is %v", p, len(events), want, sum.Histogram)
		}
	}
	t.Logf("the outbox holds %d events, matching every summary", len(events))
}

// countOwing returns how many reviews of db owe their summary a change and
// how many votes are not counted yet.
func countOwing(ctx context.Context, db *mongo.Database) (int64, error) {
	var total int64
	for _, coll := range []string{"reviews", "votes"} {
		n, err := db.Collection(coll).CountDocuments(ctx, bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// runAndKillChild runs the child until it has completed crashKillAt
// operations, then kills it with SIGKILL.
func runAndKillChild(t *testing.T, uri, database string, round int) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^TestCrashDuringBurst$", "-test.count=1")
	child.Env = append(os.Environ(), crashChildURI+"="+uri, crashChildDatabase+"="+database,
		crashChildRound+"="+strconv.Itoa(round))
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatalf("start the child: %v", err)
	}
	reached := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if n, ok := strings.CutPrefix(lines.Text(), "ops "); ok {
				if ops, _ := strconv.Atoi(n); ops >= crashKillAt {
					close(reached)
					break
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		_ = child.Process.Kill()
		_ = child.Wait()
		t.Fatalf("round %d: the child did not complete %d operations within 60 s", round, crashKillAt)
	}
	if err := child.Process.Signal(os.Kill); err != nil {
		t.Fatalf("kill -9 the child: %v", err)
	}
	_ = child.Wait()
}

// crashChild writes reviews with crashWorkers concurrent writers until it
// is killed: each creates a review, then maybe edits its rating, then
// maybe deletes it, with maybe a helpful vote on it. It prints "ops <n>" after each completed operation.
func crashChild(t *testing.T, uri, database, round string) {
	ctx := context.Background()
	client, err := mongostore.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	db := client.Database(database)
	ferret, err := mongostore.IsFerretDB(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	store := mongostore.NewStore(db, mongostore.Options{SerializeUpdates: ferret, Logger: slog.New(slog.DiscardHandler)})
	var (
		ops atomic.Int64
		out sync.Mutex
	)
	done := func() {
		n := ops.Add(1)
		out.Lock()
		fmt.Printf("ops %d\n", n)
		out.Unlock()
	}
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() {
			for i := 0; ; i++ {
				crashStep(ctx, t, store, fmt.Sprintf("r%s-w%d-%d", round, w, i), done)
			}
		})
	}
	wg.Wait()
}

func crashStep(ctx context.Context, t *testing.T, store *mongostore.Store, author string, done func()) {
	id, now := newID(t), time.Now().UTC().Truncate(time.Millisecond)
	r := domain.Review{ID: id, ProductID: crashProducts[mathrand.IntN(len(crashProducts))],
		Author: domain.Author{Subject: author, Name: "C"}, Rating: 1 + mathrand.IntN(5), Title: "t",
		CreatedAt: now, UpdatedAt: now, Version: 1}
	submitted, err := domain.Submitted(ctx, r, now)
	if err != nil {
		t.Errorf("Submitted: %v", err)
		return
	}
	if _, err := store.CreateReview(ctx, r, []event.Envelope{submitted}); err != nil {
		t.Errorf("CreateReview: %v", err)
		return
	}
	done()
	if mathrand.IntN(2) == 0 {
		if _, err := store.AddHelpfulVote(ctx, id, "voter-of-"+author); err != nil {
			t.Errorf("AddHelpfulVote: %v", err)
			return
		}
		done()
	}
	if mathrand.IntN(2) == 0 {
		_, err := store.UpdateReview(ctx, id, func(r *domain.Review) ([]event.Envelope, error) {
			previous := r.Rating
			r.Rating, r.Version = 1+(r.Rating%5), r.Version+1
			e, err := domain.Revised(ctx, *r, previous, time.Now())
			return []event.Envelope{e}, err
		})
		if err != nil {
			t.Errorf("UpdateReview: %v", err)
			return
		}
		done()
	}
	if mathrand.IntN(3) == 0 {
		if err := store.DeleteReview(ctx, id, func(r domain.Review) ([]event.Envelope, error) {
			e, err := domain.Withdrawn(ctx, r, time.Now())
			return []event.Envelope{e}, err
		}); err != nil {
			t.Errorf("DeleteReview: %v", err)
			return
		}
		done()
	}
}

func newID(t *testing.T) string {
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}
