package mongo_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/embeddedferret"
	domainevent "example.com/quartet/packages/event"
	"example.com/quartet/services/reviews/internal/mongo"
	"example.com/quartet/services/reviews/internal/reviews"
	"example.com/quartet/services/reviews/internal/reviewstest"
)

// envURI names the environment variable holding the URI of a real MongoDB
// for TestStoreMongoDB, such as mongodb://127.0.0.1:27017.
const envURI = "TEST_MONGODB_URI"

// ferret is the one embedded FerretDB of this test binary, started by the
// first test that needs it and stopped by TestMain.
var ferret struct {
	once   sync.Once
	server *embeddedferret.Server
	client *driver.Client
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if ferret.client != nil {
		_ = ferret.client.Disconnect(context.Background())
	}
	if ferret.server != nil {
		if err := ferret.server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop FerretDB:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// ferretClient returns a client of the embedded FerretDB.
func ferretClient(t testing.TB) *driver.Client {
	t.Helper()
	ferret.once.Do(func() {
		if ferret.server, ferret.err = embeddedferret.Start(embeddedferret.Options{}); ferret.err != nil {
			return
		}
		ferret.client, ferret.err = mongo.Connect(context.Background(), ferret.server.URI())
	})
	if ferret.err != nil {
		t.Fatalf("embedded FerretDB: %v", ferret.err)
	}
	return ferret.client
}

// newDatabase returns a migrated database with a fresh name, dropped when
// the test ends.
func newDatabase(t testing.TB, client *driver.Client) *driver.Database {
	t.Helper()
	db := client.Database("reviews_test_" + rand.Text()[:12])
	t.Cleanup(func() {
		if err := db.Drop(context.Background()); err != nil {
			t.Errorf("drop database %s: %v", db.Name(), err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := mongo.Migrate(ctx, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// newStore returns a store on a fresh database of client, serializing
// updates exactly when the server is FerretDB, as the application does.
func newStore(t *testing.T, client *driver.Client) *mongo.Store {
	t.Helper()
	db := newDatabase(t, client)
	isFerret, err := mongo.IsFerretDB(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return mongo.NewStore(db, mongo.Options{SerializeUpdates: isFerret})
}

func TestStoreFerretDB(t *testing.T) {
	client := ferretClient(t)
	reviewstest.Run(t, func(t *testing.T) reviews.Store { return newStore(t, client) })
}

// TestStoreMongoDB runs the suite on a real MongoDB. It skips when
// TEST_MONGODB_URI is unset, also under CI=true: no MongoDB runs in CI, and
// FerretDB covers the store there. (Other store tests fail in CI instead,
// see packages/testenv.)
func TestStoreMongoDB(t *testing.T) {
	uri := os.Getenv(envURI)
	if uri == "" {
		t.Skip(envURI + " is not set")
	}
	client, err := mongo.Connect(context.Background(), uri)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	reviewstest.Run(t, func(t *testing.T) reviews.Store { return newStore(t, client) })
}

func TestMigrateTwice(t *testing.T) {
	db := newDatabase(t, ferretClient(t))
	if err := mongo.Migrate(context.Background(), db); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
}

func TestConnectUnreachableFailsFast(t *testing.T) {
	start := time.Now()
	// Port 1 on localhost refuses connections.
	_, err := mongo.Connect(context.Background(), "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500")
	if err == nil {
		t.Fatal("Connect to a closed port succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Connect took %v to fail, want seconds", d)
	}
}

func TestRecompute(t *testing.T) {
	ctx := context.Background()
	client := ferretClient(t)
	db := newDatabase(t, client)
	s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
	svc := reviews.NewService(s, nil)
	product := "0190a000-0000-7000-8000-000000000001"
	if _, err := s.SaveProduct(ctx, reviews.Product{ID: product, Name: "P", Status: "active", Version: 1}, "e1"); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, rating := range []int{5, 4, 4} {
		r, err := svc.CreateReview(ctx, reviews.NewReview{ProductID: product,
			Author: reviews.Author{Subject: fmt.Sprintf("c%d", i), Name: "C"}, Rating: rating, Title: "t"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := svc.VoteHelpful(ctx, "c1", ids[0]); err != nil {
		t.Fatal(err)
	}
	drift, err := s.Recompute(ctx, false)
	if err != nil || !drift.None() {
		t.Fatalf("Recompute on consistent data = %+v, %v; want no drift", drift, err)
	}

	// Simulate crashes between the writes of an operation: a summary that
	// missed a review, a summary of a product whose reviews are gone, and a
	// vote that was never counted.
	if _, err := db.Collection("summaries").UpdateOne(ctx, bson.D{{Key: "_id", Value: product}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "r4", Value: -1}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("summaries").InsertOne(ctx, bson.D{{Key: "_id", Value: "gone"}, {Key: "r1", Value: 1},
		{Key: "r2", Value: 0}, {Key: "r3", Value: 0}, {Key: "r4", Value: 0}, {Key: "r5", Value: 0}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("votes").InsertOne(ctx, bson.D{{Key: "_id", Value: ids[1] + "/c0"},
		{Key: "reviewId", Value: ids[1]}, {Key: "voterId", Value: "c0"}}); err != nil {
		t.Fatal(err)
	}

	drift, err = s.Recompute(ctx, true)
	if err != nil {
		t.Fatalf("Recompute(fix): %v", err)
	}
	if len(drift.Summaries) != 2 || len(drift.Helpful) != 1 {
		t.Fatalf("Recompute found %+v, want 2 summaries and 1 helpful count", drift)
	}
	if drift, err := s.Recompute(ctx, false); err != nil || !drift.None() {
		t.Fatalf("Recompute after fixing = %+v, %v; want no drift", drift, err)
	}
	sum, err := s.Summary(ctx, product)
	if err != nil || sum.Histogram != [5]int{0, 0, 0, 2, 1} {
		t.Errorf("fixed summary = %+v, %v; want histogram [0 0 0 2 1]", sum, err)
	}
}

// TestStoreFinishesAnOperationWhoseCallerWentAway cancels the caller's
// context right after the first write of each operation (the source of
// truth) succeeds, as a client that hangs up does. The writes that follow
// must still happen: otherwise the summary or the helpful count drifts
// without any crash.
func TestStoreFinishesAnOperationWhoseCallerWentAway(t *testing.T) {
	migrated := newDatabase(t, ferretClient(t))

	var (
		mu      sync.Mutex
		started = make(map[int64]string) // request id -> "insert reviews"
		trigger string
		cancel  context.CancelFunc
	)
	monitor := &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			mu.Lock()
			started[e.RequestID] = e.CommandName + " " + coll
			mu.Unlock()
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			mu.Lock()
			defer mu.Unlock()
			if cancel != nil && started[e.RequestID] == trigger {
				cancel()
				cancel = nil
			}
		},
	}
	client, err := driver.Connect(options.Client().ApplyURI(ferret.server.URI()).SetMonitor(monitor))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	s := mongo.NewStore(client.Database(migrated.Name()), mongo.Options{SerializeUpdates: true})

	// goneAfter returns a context cancelled once the command succeeds.
	goneAfter := func(command string) context.Context {
		ctx, c := context.WithCancel(context.Background())
		mu.Lock()
		trigger, cancel = command, c
		mu.Unlock()
		return ctx
	}
	noDrift := func(step string) {
		t.Helper()
		if drift, err := s.Recompute(context.Background(), false); err != nil || !drift.None() {
			t.Errorf("after %s: Recompute = %+v, %v; want no drift", step, drift, err)
		}
	}

	now := time.Now().UTC().Truncate(time.Millisecond)
	r := reviews.Review{ID: "0190a000-0000-7000-8000-0000000000a1", ProductID: "0190a000-0000-7000-8000-000000000001",
		Author: reviews.Author{Subject: "c1", Name: "C"}, Rating: 4, Title: "t", CreatedAt: now, UpdatedAt: now, Version: 1}
	if _, err := s.CreateReview(goneAfter("insert reviews"), r, nil); err != nil {
		t.Errorf("CreateReview: %v", err)
	}
	noDrift("a create")

	if _, err := s.UpdateReview(goneAfter("update reviews"), r.ID, func(r *reviews.Review) ([]domainevent.Envelope, error) {
		r.Rating, r.Version = 2, r.Version+1
		return nil, nil
	}); err != nil {
		t.Errorf("UpdateReview: %v", err)
	}
	noDrift("an edit of the rating")

	if _, err := s.AddHelpfulVote(goneAfter("insert votes"), r.ID, "c2"); err != nil {
		t.Errorf("AddHelpfulVote: %v", err)
	}
	noDrift("a helpful vote")

	if err := s.DeleteReview(goneAfter("delete reviews"), r.ID, func(reviews.Review) ([]domainevent.Envelope, error) { return nil, nil }); err != nil {
		t.Errorf("DeleteReview: %v", err)
	}
	noDrift("a delete")
}

// TestOutboxInTheReviewDocument: a review's events travel in its own
// document, written by the same write as the change; a tombstone gives up
// its author's place at once and disappears, votes included, once its
// summary change is applied and its event published, in either order.
func TestOutboxInTheReviewDocument(t *testing.T) {
	ctx := context.Background()
	db := newDatabase(t, ferretClient(t))
	s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
	product := "0190a000-0000-7000-8000-0000000000d1"
	now := time.Now().UTC().Truncate(time.Millisecond)
	r := reviews.Review{ID: "0190a000-0000-7000-8000-0000000000d2", ProductID: product,
		Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 4, Title: "t", CreatedAt: now, UpdatedAt: now, Version: 1}
	submitted, err := reviews.Submitted(ctx, r, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateReview(ctx, r, []domainevent.Envelope{submitted}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddHelpfulVote(ctx, r.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	type stored struct {
		AuthorID string `bson:"authorId"`
		Deleted  bool   `bson:"deleted"`
		Outbox   []struct {
			ID       string `bson:"id"`
			Envelope string `bson:"envelope"`
		} `bson:"outbox"`
		OutboxSince string `bson:"outboxSince"`
	}
	read := func() (stored, error) {
		var d stored
		err := db.Collection("reviews").FindOne(ctx, bson.D{{Key: "_id", Value: r.ID}}).Decode(&d)
		return d, err
	}
	d, err := read()
	if err != nil || len(d.Outbox) != 1 || d.Outbox[0].ID != submitted.ID || d.OutboxSince != submitted.ID {
		t.Fatalf("review document = %+v, %v; want its ReviewSubmitted in its outbox", d, err)
	}
	if e, err := domainevent.Parse([]byte(d.Outbox[0].Envelope)); err != nil || e.Type != reviews.TypeReviewSubmitted || string(e.Data) != string(submitted.Data) {
		t.Errorf("outbox entry = %+v, %v; want the event as written", e, err)
	}

	if err := s.DeleteReview(ctx, r.ID, func(r reviews.Review) ([]domainevent.Envelope, error) {
		e, err := reviews.Withdrawn(ctx, r, time.Now())
		return []domainevent.Envelope{e}, err
	}); err != nil {
		t.Fatal(err)
	}
	d, err = read()
	if err != nil || !d.Deleted || d.AuthorID == "alice" || len(d.Outbox) != 2 || d.OutboxSince != submitted.ID {
		t.Fatalf("tombstone = %+v, %v; want deleted, its author's place given up, both events in its outbox", d, err)
	}
	events, err := s.Pending(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(events) != 2 {
		t.Fatalf("Pending = %d events, %v; want 2", len(events), err)
	}
	if err := s.Remove(ctx, []string{events[0].ID, events[1].ID}); err != nil {
		t.Fatal(err)
	}
	for coll, filter := range map[string]bson.D{"reviews": {{Key: "_id", Value: r.ID}}, "votes": {{Key: "reviewId", Value: r.ID}}} {
		if n, err := db.Collection(coll).CountDocuments(ctx, filter); err != nil || n != 0 {
			t.Errorf("%s of the review once its events are published: %d, %v; want none", coll, n, err)
		}
	}

	// A tombstone that owes its summary a change and holds an event,
	// settled in both orders.
	for _, order := range []string{"publish first", "sweep first"} {
		t.Run(order, func(t *testing.T) {
			id := idAt(time.Now()) + "-7000-8000-0000000000d3"
			eventID := idAt(time.Now().Add(-time.Minute)) + "-7000-8000-0000000000d4"
			if _, err := db.Collection("reviews").InsertOne(ctx, bson.D{{Key: "_id", Value: id},
				{Key: "productId", Value: product}, {Key: "authorId", Value: "deleted/" + id}, {Key: "rating", Value: 4}, {Key: "version", Value: 2},
				{Key: "deleted", Value: true}, {Key: "pending", Value: bson.D{{Key: "id", Value: idAt(time.Now()) + "-7000-8000-000000000005"}, {Key: "r4", Value: -1}}},
				{Key: "outbox", Value: bson.A{bson.D{{Key: "id", Value: eventID}, {Key: "envelope", Value: "{}"}}}},
				{Key: "outboxIds", Value: bson.A{eventID}}, {Key: "outboxSince", Value: eventID}}); err != nil {
				t.Fatal(err)
			}
			steps := []func() error{
				func() error { return s.Remove(ctx, []string{eventID}) },
				func() error { _, err := s.Sweep(ctx, 0); return err },
			}
			if order == "sweep first" {
				steps[0], steps[1] = steps[1], steps[0]
			}
			count := func() int64 {
				n, err := db.Collection("reviews").CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if err := steps[0](); err != nil || count() != 1 {
				t.Fatalf("after the first step: %v, %d tombstones; want it kept for the other", err, count())
			}
			if err := steps[1](); err != nil || count() != 0 {
				t.Errorf("after both: %v, %d tombstones; want it gone", err, count())
			}
		})
	}
}
