package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/embeddedferret"
)

func TestRecomputeReportsAndFixesDrift(t *testing.T) {
	srv, err := embeddedferret.Start(embeddedferret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	env := map[string]string{"MONGODB_URI": srv.URI(), "MONGODB_DATABASE": "reviews"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	if err := run(ctx, nil, getenv, io.Discard); err != nil {
		t.Fatalf("recompute of an empty database: %v", err)
	}

	// A summary counting a review that does not exist, as if a delete had
	// crashed after deleting the review.
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	_, err = client.Database("reviews").Collection("summaries").InsertOne(ctx,
		bson.D{{Key: "_id", Value: "p1"}, {Key: "r1", Value: 0}, {Key: "r2", Value: 0}, {Key: "r3", Value: 1}, {Key: "r4", Value: 0}, {Key: "r5", Value: 0}})
	if err != nil {
		t.Fatal(err)
	}

	var out strings.Builder
	if err := run(ctx, nil, getenv, &out); !errors.Is(err, errDrift) {
		t.Fatalf("recompute with drift: err = %v, want errDrift", err)
	}
	if !strings.Contains(out.String(), "product=p1") {
		t.Errorf("report does not name the drifted product:\n%s", out.String())
	}
	if err := run(ctx, []string{"-fix"}, getenv, io.Discard); err != nil {
		t.Fatalf("recompute -fix: %v", err)
	}
	if err := run(ctx, nil, getenv, io.Discard); err != nil {
		t.Fatalf("recompute after -fix: %v", err)
	}
}
