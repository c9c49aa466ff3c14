// Command relay is the catalog's outbox relay function in AWS Lambda
// (runtime provided.al2023, handler binary "bootstrap", built with -tags
// lambda.norpc), invoked by an EventBridge schedule: each invocation
// publishes on EVENT_BUS_NAME the events that the catalog's functions
// committed but could not publish (a crash between commit and publish, a
// bus that was down), and forgets the IDs of the events processed more
// than 14 days ago (App.SweepOutbox).
//
// It connects like the catalog's API function: the same configuration
// (DATABASE_URL, CATALOG_DB_ENGINE, DATABASE_IAM_AUTH through RDS Proxy).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/catalog"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "catalog-relay:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// sweeps at every invocation for the life of the execution environment.
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
	lambda.Start(outbox.Scheduled(app.SweepOutbox, logger))
	return nil
}
