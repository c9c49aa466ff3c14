// Command events is the catalog's consumer function in AWS Lambda (runtime
// provided.al2023, handler binary "bootstrap", built with -tags
// lambda.norpc): its SQS queue, fed by the EventBridge rule of the types
// in events/consumes.json, delivers batches that it hands one event at a
// time to the catalog's idempotent consumer (App.Subscription), reporting
// the events that failed so that SQS delivers only those again, and after
// 5 receives moves them to the dead-letter queue.
//
// It connects like the catalog's API function: the same configuration
// (DATABASE_URL, CATALOG_DB_ENGINE, DATABASE_IAM_AUTH through RDS Proxy),
// and EVENT_BUS_NAME, the bus on which it publishes StockReserved and
// StockRejected.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/quartet/packages/eventbus"
	"example.com/quartet/services/catalog"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "catalog-events:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// handles invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "catalog")
	cfg, err := catalog.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.EventBusName == "" {
		return errors.New("EVENT_BUS_NAME is not set")
	}
	app, err := catalog.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(eventbus.Consumer{Subscription: app.Subscription(), Logger: logger}.Handle)
	return nil
}
