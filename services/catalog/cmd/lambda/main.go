// Command lambda is the catalog context's AWS Lambda function (runtime
// provided.al2023, handler binary "bootstrap").
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/catalog"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "catalog")
	cfg, err := catalog.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	// The relay publishes each change's events before the response; the
	// relay function sweeps what it could not.
	if cfg.EventBusName == "" {
		return errors.New("EVENT_BUS_NAME is not set")
	}
	app, err := catalog.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambdahttp.Start(app.Handler())
	return nil
}
