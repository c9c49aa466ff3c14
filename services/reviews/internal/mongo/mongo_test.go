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
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"example.com/quartet/packages/embeddedferret"
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
func ferretClient(t *testing.T) *driver.Client {
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
func newDatabase(t *testing.T, client *driver.Client) *driver.Database {
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
	svc := reviews.NewService(s)

	product := "0190a000-0000-7000-8000-000000000001"
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
