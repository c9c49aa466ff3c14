package mongo_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	domainevent "example.com/quartet/packages/event"
	"example.com/quartet/services/reviews/internal/mongo"
	"example.com/quartet/services/reviews/internal/reviews"
)

// repairWithin is how long summaries may take to become exact again.
const repairWithin = 10 * time.Second

// eventuallyExact polls Recompute (which repairs nothing without fix)
// until s shows no drift and no review of db owes a change, and fails the
// test if that takes longer than repairWithin.
func eventuallyExact(t *testing.T, s *mongo.Store, db *driver.Database, step string) {
	t.Helper()
	start := time.Now()
	for {
		drift, err := s.Recompute(context.Background(), false)
		owing, cerr := countOwing(db)
		if err == nil && drift.None() && cerr == nil && owing == 0 {
			t.Logf("%s: exact after %v", step, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > repairWithin {
			t.Fatalf("%s: still drifted %v later: %+v, %v; %d reviews owing a change (%v)", step, repairWithin, drift, err, owing, cerr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countOwing returns how many reviews of db owe their summary a change or
// a lookup of their author's purchases, and how many votes are not counted
// yet.
func countOwing(db *driver.Database) (int64, error) {
	var total int64
	for _, c := range []struct {
		coll   string
		filter bson.D
	}{
		{"reviews", bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}}},
		{"reviews", bson.D{{Key: "verify", Value: true}}},
		{"votes", bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}}},
	} {
		n, err := db.Collection(c.coll).CountDocuments(context.Background(), c.filter)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// cutKey marks the operation contexts whose first write the monitor of
// TestSweepRepairsOperationsCutByTheirDeadline holds until their deadline.
type cutKey struct{}

// TestSweepRepairsOperationsCutByTheirDeadline runs a create, a rating
// edit and a delete whose deadline passes right after their first write,
// the review's: the write that follows, the summary's, fails, and the
// operation still succeeds (the review change is done). The periodic
// sweep must then make the summary exact, with nobody running Recompute.
func TestSweepRepairsOperationsCutByTheirDeadline(t *testing.T) {
	migrated := newDatabase(t, ferretClient(t))

	var (
		mu      sync.Mutex
		started = make(map[int64]string) // request id -> "insert reviews"
		trigger string
	)
	monitor := &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			mu.Lock()
			started[e.RequestID] = e.CommandName + " " + coll
			mu.Unlock()
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			mu.Lock()
			hit := ctx.Value(cutKey{}) != nil && trigger != "" && started[e.RequestID] == trigger
			if hit {
				trigger = ""
			}
			mu.Unlock()
			if deadline, ok := ctx.Deadline(); hit && ok {
				time.Sleep(time.Until(deadline) + 10*time.Millisecond)
			}
		},
	}
	client, err := driver.Connect(options.Client().ApplyURI(ferret.server.URI()).SetMonitor(monitor))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	var logged lockedBuffer
	s := mongo.NewStore(client.Database(migrated.Name()), mongo.Options{SerializeUpdates: true,
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})

	sweepCtx, stopSweeper := context.WithCancel(context.Background())
	sweeper := make(chan struct{})
	go func() { defer close(sweeper); s.RunSweeper(sweepCtx, 100*time.Millisecond) }()
	t.Cleanup(func() { stopSweeper(); <-sweeper })

	// cutAfter returns a context whose deadline passes once the command
	// succeeds.
	cutAfter := func(command string) (context.Context, context.CancelFunc) {
		mu.Lock()
		trigger = command
		mu.Unlock()
		return context.WithTimeout(context.WithValue(context.Background(), cutKey{}, true), time.Second)
	}
	summaryIs := func(step string, want [reviews.MaxRating]int) {
		t.Helper()
		eventuallyExact(t, s, migrated, step)
		if sum, err := s.Summary(context.Background(), product); err != nil || sum.Histogram != want {
			t.Errorf("%s: summary %v, %v; want %v", step, sum.Histogram, err, want)
		}
	}

	now := time.Now().UTC().Truncate(time.Millisecond)
	r := reviews.Review{ID: "0190a000-0000-7000-8000-0000000000c1", ProductID: product,
		Author: reviews.Author{Subject: "c1", Name: "C"}, Rating: 4, Title: "t", CreatedAt: now, UpdatedAt: now, Version: 1}
	ctx, cancel := cutAfter("insert reviews")
	if _, err := s.CreateReview(ctx, r, nil); err != nil {
		t.Errorf("CreateReview cut after its insert: %v, want success", err)
	}
	cancel()
	summaryIs("a create", [5]int{0, 0, 0, 1, 0})

	ctx, cancel = cutAfter("update reviews")
	if _, err := s.UpdateReview(ctx, r.ID, func(r *reviews.Review) ([]domainevent.Envelope, error) {
		r.Rating, r.Version = 2, r.Version+1
		return nil, nil
	}); err != nil {
		t.Errorf("UpdateReview cut after its update: %v, want success", err)
	}
	cancel()
	summaryIs("an edit of the rating", [5]int{0, 1, 0, 0, 0})

	ctx, cancel = cutAfter("insert votes")
	if got, err := s.AddHelpfulVote(ctx, r.ID, "c2"); err != nil || got.HelpfulCount != 1 {
		t.Errorf("AddHelpfulVote cut after its insert = count %d, %v; want 1, success", got.HelpfulCount, err)
	}
	cancel()
	summaryIs("a helpful vote", [5]int{0, 1, 0, 0, 0}) // and its count, checked by Recompute
	if got, err := s.Review(context.Background(), r.ID); err != nil || got.HelpfulCount != 1 {
		t.Errorf("helpful count after the sweep: %d, %v; want 1", got.HelpfulCount, err)
	}

	ctx, cancel = cutAfter("update reviews") // turning the review into a tombstone
	if err := s.DeleteReview(ctx, r.ID, func(reviews.Review) ([]domainevent.Envelope, error) { return nil, nil }); err != nil {
		t.Errorf("DeleteReview cut after its first write: %v, want success", err)
	}
	cancel()
	if _, err := s.Review(context.Background(), r.ID); err != reviews.ErrNotFound {
		t.Errorf("Review after the cut delete = %v, want %v", err, reviews.ErrNotFound)
	}
	summaryIs("a delete", [5]int{})
	if n, err := migrated.Collection("reviews").CountDocuments(context.Background(), bson.D{}); err != nil || n != 0 {
		t.Errorf("review documents after the swept delete: %d, %v; want 0 (no tombstone left)", n, err)
	}
	// Each of the four operations was really cut: it left its change,
	// and the create its lookup of the author's purchases.
	if n := strings.Count(logged.String(), "change left to the sweep") + strings.Count(logged.String(), "vote count left to the sweep"); n != 4 {
		t.Errorf("the store left %d changes to the sweep, want 4; log:\n%s", n, logged.String())
	}
	if n := strings.Count(logged.String(), "verified-purchase lookup left to the sweep"); n != 1 {
		t.Errorf("the store left %d purchase lookups to the sweep, want 1; log:\n%s", n, logged.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const product = "0190a000-0000-7000-8000-0000000000cc"

// TestSweepFinishesEachCrashPoint writes the documents a crash leaves at
// each point between an operation's writes and checks that one sweep
// makes them right, and a second changes nothing.
func TestSweepFinishesEachCrashPoint(t *testing.T) {
	ctx := context.Background()
	db := newDatabase(t, ferretClient(t))
	s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
	at := idAt(time.Now())
	change := func(n int) string { return fmt.Sprintf("%s-7000-8000-%012d", at, n) }
	review := func(id string, rating int, deleted bool, pending bson.D) bson.D {
		d := bson.D{{Key: "_id", Value: id}, {Key: "productId", Value: product}, {Key: "authorId", Value: id},
			{Key: "authorName", Value: "C"}, {Key: "rating", Value: rating}, {Key: "title", Value: "t"}, {Key: "body", Value: ""},
			{Key: "verifiedPurchase", Value: false}, {Key: "helpfulCount", Value: 0},
			{Key: "createdAt", Value: time.Now()}, {Key: "updatedAt", Value: time.Now()}, {Key: "version", Value: 1}}
		if deleted {
			d = append(d, bson.E{Key: "deleted", Value: true})
		}
		if pending != nil {
			d = append(d, bson.E{Key: "pending", Value: pending})
		}
		return d
	}
	docs := []any{
		// created, crash before the summary: owes +1 at 5
		review("0190a000-0000-7000-8000-0000000000d1", 5, false, bson.D{{Key: "id", Value: change(1)}, {Key: "r5", Value: 1}}),
		// created, summary updated, crash before the clear: owes nothing more
		review("0190a000-0000-7000-8000-0000000000d2", 3, false, bson.D{{Key: "id", Value: change(2)}, {Key: "r3", Value: 1}}),
		// edited 3 -> 1 (counted at 3 before), crash before the summary
		review("0190a000-0000-7000-8000-0000000000d3", 1, false, bson.D{{Key: "id", Value: change(3)}, {Key: "r3", Value: -1}, {Key: "r1", Value: 1}}),
		// deleted (counted at 4 before), crash before the summary
		review("0190a000-0000-7000-8000-0000000000d4", 4, true, bson.D{{Key: "id", Value: change(4)}, {Key: "r4", Value: -1}}),
		// deleted, summary updated, crash before the tombstone was removed
		review("0190a000-0000-7000-8000-0000000000d5", 2, true, bson.D{{Key: "id", Value: change(5)}, {Key: "r2", Value: -1}}),
	}
	if _, err := db.Collection("reviews").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	// Votes: for d1, not counted; for d2, counted but not cleared; for the
	// deleted d4, not counted (the vote goes with its review).
	counted := change(12)
	if _, err := db.Collection("votes").InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000d1/v"}, {Key: "reviewId", Value: "0190a000-0000-7000-8000-0000000000d1"},
			{Key: "voterId", Value: "v"}, {Key: "createdAt", Value: time.Now()}, {Key: "pending", Value: change(11)}},
		bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000d2/v"}, {Key: "reviewId", Value: "0190a000-0000-7000-8000-0000000000d2"},
			{Key: "voterId", Value: "v"}, {Key: "createdAt", Value: time.Now()}, {Key: "pending", Value: counted}},
		bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000d4/v"}, {Key: "reviewId", Value: "0190a000-0000-7000-8000-0000000000d4"},
			{Key: "voterId", Value: "v"}, {Key: "createdAt", Value: time.Now()}, {Key: "pending", Value: change(14)}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("reviews").UpdateOne(ctx, bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000d2"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "helpfulCount", Value: 1}, {Key: "countedVotes", Value: bson.A{counted}}}}}); err != nil {
		t.Fatal(err)
	}

	// The summary before the crashes: d2 (+1 at 3 applied), d3 at 3, d4 at
	// 4; d5's -1 at 2 applied.
	if _, err := db.Collection("summaries").InsertOne(ctx, bson.D{{Key: "_id", Value: product},
		{Key: "r1", Value: 0}, {Key: "r2", Value: 0}, {Key: "r3", Value: 2}, {Key: "r4", Value: 1}, {Key: "r5", Value: 0},
		{Key: "applied", Value: bson.A{change(2), change(5)}}}); err != nil {
		t.Fatal(err)
	}

	for round := 1; round <= 2; round++ {
		res, err := s.Sweep(ctx, 0)
		if err != nil {
			t.Fatalf("Sweep %d: %v", round, err)
		}
		if want := map[int]int{1: 5, 2: 0}[round]; res.Finished != want {
			t.Errorf("Sweep %d finished %d changes, want %d", round, res.Finished, want)
		}
		if want := map[int]int{1: 3, 2: 0}[round]; res.Counted != want {
			t.Errorf("Sweep %d counted %d votes, want %d", round, res.Counted, want)
		}
		for id, want := range map[string]int{"0190a000-0000-7000-8000-0000000000d1": 1, "0190a000-0000-7000-8000-0000000000d2": 1} {
			if r, err := s.Review(ctx, id); err != nil || r.HelpfulCount != want {
				t.Errorf("after sweep %d: review %s helpful count %d, %v; want %d", round, id, r.HelpfulCount, err, want)
			}
		}
		if drift, err := s.Recompute(ctx, false); err != nil || !drift.None() {
			t.Errorf("after sweep %d: Recompute = %+v, %v; want no drift", round, drift, err)
		}
		sum, err := s.Summary(ctx, product)
		if want := [5]int{1, 0, 1, 0, 1}; err != nil || sum.Histogram != want {
			t.Errorf("after sweep %d: summary %v, %v; want %v", round, sum.Histogram, err, want)
		}
	}
	if n, err := db.Collection("reviews").CountDocuments(ctx, bson.D{}); err != nil || n != 3 {
		t.Errorf("review documents after the sweep: %d, %v; want 3 (tombstones removed)", n, err)
	}
	if n, err := countOwing(db); err != nil || n != 0 {
		t.Errorf("reviews and votes still owing a change after the sweep: %d, %v; want 0", n, err)
	}
	if n, err := db.Collection("votes").CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("votes after the sweep: %d, %v; want 2 (the deleted review's gone)", n, err)
	}
}

// TestSweepForgetsOldAppliedChanges checks that a sweep drops from
// summaries and reviews the change and vote ids applied more than ten
// minutes ago, with their stamps, and keeps the others and the counts. What
// counts is when a change was applied, not how old it is: an hour-old
// change applied a minute ago stays.
func TestSweepForgetsOldAppliedChanges(t *testing.T) {
	ctx := context.Background()
	db := newDatabase(t, ferretClient(t))
	s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
	at := func(ago time.Duration, n int) string {
		return fmt.Sprintf("%s-7000-8000-%012d", idAt(time.Now().Add(-ago)), n)
	}
	hourOld := at(time.Hour, 100) // the id of a change written an hour ago
	if _, err := db.Collection("summaries").InsertOne(ctx, bson.D{{Key: "_id", Value: product},
		{Key: "r1", Value: 0}, {Key: "r2", Value: 0}, {Key: "r3", Value: 0}, {Key: "r4", Value: 0}, {Key: "r5", Value: 3},
		{Key: "applied", Value: bson.A{at(2*time.Hour, 101), hourOld, at(11*time.Minute, 102)}},
		{Key: "appliedAt", Value: bson.A{at(time.Hour, 1), at(time.Minute, 2), at(11*time.Minute, 3)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("reviews").InsertOne(ctx, bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000f1"},
		{Key: "productId", Value: product}, {Key: "authorId", Value: "a"}, {Key: "rating", Value: 5}, {Key: "helpfulCount", Value: 3},
		{Key: "countedVotes", Value: bson.A{"young", "old"}},
		{Key: "countedAt", Value: bson.A{at(9*time.Minute, 4), at(30*time.Minute, 5)}}}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Sweep(ctx, 0)
	if err != nil || res.Forgotten != 3 {
		t.Fatalf("Sweep = %+v, %v; want 3 forgotten", res, err)
	}
	var summary struct {
		R5        int      `bson:"r5"`
		Applied   []string `bson:"applied"`
		AppliedAt []string `bson:"appliedAt"`
	}
	if err := db.Collection("summaries").FindOne(ctx, bson.D{{Key: "_id", Value: product}}).Decode(&summary); err != nil {
		t.Fatal(err)
	}
	if summary.R5 != 3 || len(summary.Applied) != 1 || summary.Applied[0] != hourOld || len(summary.AppliedAt) != 1 {
		t.Errorf("summary after the sweep: r5 %d, applied %v at %v; want 3, [%s] at one stamp", summary.R5, summary.Applied, summary.AppliedAt, hourOld)
	}
	var review struct {
		HelpfulCount int      `bson:"helpfulCount"`
		CountedVotes []string `bson:"countedVotes"`
		CountedAt    []string `bson:"countedAt"`
	}
	if err := db.Collection("reviews").FindOne(ctx, bson.D{}).Decode(&review); err != nil {
		t.Fatal(err)
	}
	if review.HelpfulCount != 3 || len(review.CountedVotes) != 1 || review.CountedVotes[0] != "young" || len(review.CountedAt) != 1 {
		t.Errorf("review after the sweep: helpful %d, counted votes %v at %v; want 3, [young] at one stamp", review.HelpfulCount, review.CountedVotes, review.CountedAt)
	}
}

// idAt returns the first 13 characters of a UUIDv7 made at t: its
// millisecond timestamp.
func idAt(t time.Time) string {
	ms := uint64(t.UnixMilli())
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff)
}

// TestCreateAfterACutDelete creates a review for a product whose author's
// earlier review was deleted by an operation cut after its first write: the
// tombstone holds the unique (product, author) key, so the create finishes
// the deletion and inserts.
func TestCreateAfterACutDelete(t *testing.T) {
	ctx := context.Background()
	db := newDatabase(t, ferretClient(t))
	s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
	if _, err := db.Collection("reviews").InsertOne(ctx, bson.D{{Key: "_id", Value: "0190a000-0000-7000-8000-0000000000f2"},
		{Key: "productId", Value: product}, {Key: "authorId", Value: "alice"}, {Key: "rating", Value: 4}, {Key: "version", Value: 2},
		{Key: "deleted", Value: true}, {Key: "pending", Value: bson.D{{Key: "id", Value: idAt(time.Now()) + "-7000-8000-000000000001"}, {Key: "r4", Value: -1}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("summaries").InsertOne(ctx, bson.D{{Key: "_id", Value: product},
		{Key: "r1", Value: 0}, {Key: "r2", Value: 0}, {Key: "r3", Value: 0}, {Key: "r4", Value: 1}, {Key: "r5", Value: 0}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	r := reviews.Review{ID: "0190a000-0000-7000-8000-0000000000f3", ProductID: product,
		Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 2, Title: "again", CreatedAt: now, UpdatedAt: now, Version: 1}
	if _, err := s.CreateReview(ctx, r, nil); err != nil {
		t.Fatalf("CreateReview over a tombstone: %v", err)
	}
	if _, err := s.CreateReview(ctx, r, nil); err != reviews.ErrDuplicateReview {
		t.Errorf("second CreateReview = %v, want %v", err, reviews.ErrDuplicateReview)
	}
	if sum, err := s.Summary(ctx, product); err != nil || sum.Histogram != [5]int{0, 1, 0, 0, 0} {
		t.Errorf("summary %v, %v; want [0 1 0 0 0]", sum.Histogram, err)
	}
	if drift, err := s.Recompute(ctx, false); err != nil || !drift.None() {
		t.Errorf("Recompute = %+v, %v; want no drift", drift, err)
	}
}
