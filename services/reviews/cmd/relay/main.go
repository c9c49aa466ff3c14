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
	lambda.Start(sweep(app, logger))
	return nil
}

// sweeper is what an invocation runs: reviews.App.
type sweeper interface {
	SweepOutbox(ctx context.Context) (int, error)
}

// result is what an invocation answers.
type result struct {
	Published int `json:"published"`
}

// sweep returns the function's handler: one sweep of the outbox.
func sweep(s sweeper, logger *slog.Logger) func(context.Context) (result, error) {
	return func(ctx context.Context) (result, error) {
		n, err := s.SweepOutbox(ctx)
		if err != nil {
			logger.ErrorContext(ctx, "outbox sweep failed; the next one retries", "published", n, "error", err)
			return result{Published: n}, err
		}
		logger.InfoContext(ctx, "outbox sweep", "published", n)
		return result{Published: n}, nil
	}
}
