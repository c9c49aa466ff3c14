// Command lambda is the reviews context's AWS Lambda function (runtime
// provided.al2023, handler binary "bootstrap"). It links the MongoDB driver
// only; FerretDB, the local stand-in, stays out of this binary.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/awssecret"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reviews:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "reviews")
	cfg, err := reviews.ConfigFromEnv(getenv)
	if err != nil {
		return err
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
	lambdahttp.Start(app.Handler())
	return nil
}
