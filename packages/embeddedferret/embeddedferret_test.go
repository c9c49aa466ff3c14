package embeddedferret_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/embeddedferret"
)

func TestStartPersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	insert := func(t *testing.T) int64 {
		t.Helper()
		s, err := embeddedferret.Start(embeddedferret.Options{DataPath: dir})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer func() {
			if err := s.Stop(); err != nil {
				t.Errorf("Stop: %v", err)
			}
		}()
		client, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer client.Disconnect(ctx)
		coll := client.Database("test").Collection("things")
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "n", Value: 1}}); err != nil {
			t.Fatalf("InsertOne: %v", err)
		}
		n, err := coll.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatalf("CountDocuments: %v", err)
		}
		return n
	}

	if got, want := insert(t), int64(1); got != want {
		t.Fatalf("first run: count = %d, want %d", got, want)
	}
	if got, want := insert(t), int64(2); got != want {
		t.Fatalf("after restart: count = %d, want %d", got, want)
	}
}

func TestStopRemovesTemporaryData(t *testing.T) {
	s, err := embeddedferret.Start(embeddedferret.Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}
