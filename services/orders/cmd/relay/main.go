// Command relay is the orders context's outbox relay function (runtime
// provided.al2023, handler binary "bootstrap"), invoked on an EventBridge
// schedule: each invocation publishes to the stage's bus what the outbox
// still holds (what a crash or a bus outage left behind after a change's
// own relay, which runs in the request).
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
	"example.com/quartet/services/orders"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "orders-relay:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "orders")
	cfg, err := orders.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.EventBusName == "" {
		return errors.New("EVENT_BUS_NAME is not set: the relay has nowhere to publish")
	}
	app, err := orders.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(outbox.Scheduled(app.SweepOutbox, logger))
	return nil
}
