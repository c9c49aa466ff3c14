// Command events is the orders context's consumer function (runtime
// provided.al2023, handler binary "bootstrap"): its SQS queue receives the
// events orders consumes (events/consumes.json) from the stage's
// EventBridge bus, and it hands each to the context's idempotent handler,
// reporting the messages that failed (partial batch responses).
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
	"example.com/quartet/services/orders"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "orders-events:", err)
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
		return errors.New("EVENT_BUS_NAME is not set: the events this function's effects announce would stay in the outbox")
	}
	app, err := orders.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(eventbus.Consumer{Subscription: app.Subscription(), Logger: logger}.Handle)
	return nil
}
