// Command events is the reviews context's consumer function (runtime
// provided.al2023, handler binary "bootstrap"): SQS delivers it batches
// from the reviews queue, which an EventBridge rule fills with the event
// types reviews consumes (reviews.Consumes); it keeps the product
// projection and the purchases, and answers with the messages that failed
// (partial batch responses), which SQS delivers again and, after its
// receive limit, moves to the dead-letter queue.
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
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/awssecret"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reviews-events:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "reviews", "function", "events")
	app, err := open(ctx, getenv, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(eventbus.Consumer{Subscription: app.Subscription(), Logger: logger}.Handle)
	return nil
}

// open reads the configuration as cmd/lambda does (the MongoDB URI from
// its Secrets Manager secret in AWS) and assembles the context.
func open(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*reviews.App, error) {
	cfg, err := reviews.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if cfg.EventBusName == "" {
		return nil, errors.New("EVENT_BUS_NAME is not set")
	}
	if cfg.MongoURISecret != "" { // region and credentials: the execution role's
		if cfg.ReadSecret, err = awssecret.Reader(awssecret.Options{Getenv: getenv}); err != nil {
			return nil, err
		}
	}
	logger.Info("starting", "config", cfg)
	return reviews.New(ctx, cfg, logger)
}
