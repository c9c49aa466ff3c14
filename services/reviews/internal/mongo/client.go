// Package mongo is the reviews.Store for MongoDB (Atlas in AWS) and for
// FerretDB v1, the local stand-in, through go.mongodb.org/mongo-driver/v2.
//
// Three collections hold the data: reviews, votes and summaries. See the
// service README for the document model, the indexes (declared in
// indexes.go, applied by Migrate) and why the summaries stay exact without
// multi-document transactions.
package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Client settings sized for Lambda, where an execution environment serves
// one request at a time. A URI may override the pool size and the
// server-selection and connect timeouts (maxPoolSize=…, serverSelectionTimeoutMS=…,
// connectTimeoutMS=…, timeoutMS=…).
const (
	maxPoolSize            = 4
	serverSelectionTimeout = 3 * time.Second
	connectTimeout         = 3 * time.Second
	// operationTimeout bounds every operation whose context has no earlier
	// deadline (client-side operation timeout, timeoutMS).
	operationTimeout = 5 * time.Second
)

// Connect returns a client for uri and checks, within the server-selection
// timeout, that the server answers, so a wrong URI or an unreachable server
// fails a cold start in seconds instead of the driver's default 30 s.
// Build it once per process and share it.
func Connect(ctx context.Context, uri string) (*mongo.Client, error) {
	opts := options.Client().
		SetMaxPoolSize(maxPoolSize).
		SetServerSelectionTimeout(serverSelectionTimeout).
		SetConnectTimeout(connectTimeout).
		SetTimeout(operationTimeout).
		ApplyURI(uri) // last, so that options in the URI win
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, err
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("ping: %w", err)
	}
	return client, nil
}

// IsFerretDB reports whether db is served by FerretDB, which answers
// buildInfo with a ferretdbVersion field.
func IsFerretDB(ctx context.Context, db *mongo.Database) (bool, error) {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, fmt.Errorf("buildInfo: %w", err)
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}
