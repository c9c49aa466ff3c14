// Command relay is the reviews context's outbox relay function (runtime
// provided.al2023, handler binary "bootstrap"), invoked by an EventBridge
// schedule: each invocation publishes what the reviews' outboxes still
// hold (a crash between a change and its publication, a bus that was
// down) to the stage's bus and logs how many events it published.
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
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/awssecret"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reviews-relay:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "reviews", "function", "relay")
	cfg, err := reviews.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.EventBusName == "" {
		return errors.New("EVENT_BUS_NAME is not set")
	}
	if cfg.MongoURISecret != "" { // region and credentials: the execution role's
		if cfg.ReadSecret, err = awssecret.Reader(awssecret.Options{Getenv: getenv}); err != nil {
			return err
		}
	}
	logger.Info("starting", "config", cfg)
	app, err := reviews.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(outbox.Scheduled(app.SweepOutbox, logger))
	return nil
}
