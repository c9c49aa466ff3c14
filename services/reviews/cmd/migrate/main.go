// Command migrate creates the indexes of the reviews database. It runs as an
// explicit deploy step (and in `make dev`), never on a Lambda cold start.
//
//	MONGODB_URI=mongodb://... go run ./services/reviews/cmd/migrate
//
// Built as a Lambda bootstrap (make build: bin/reviews-migrate), it is the
// AWS stack's index function: run by the Lambda runtime
// (AWS_LAMBDA_RUNTIME_API is set), it connects once and creates the
// indexes on every invocation, which the deploy's trigger makes; an error
// fails the invocation, and so the deploy.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/awssecret"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := reviews.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.MongoURISecret != "" { // region and credentials: the environment's
		if cfg.ReadSecret, err = awssecret.Reader(awssecret.Options{Getenv: getenv}); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	app, err := reviews.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	migrate := func(ctx context.Context) error {
		if err := app.Migrate(ctx); err != nil {
			return fmt.Errorf("reviews indexes: %w", err)
		}
		logger.Info("reviews indexes are up to date", "config", cfg)
		return nil
	}
	if getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.StartWithOptions(migrate, lambda.WithContext(ctx))
		return nil
	}
	return migrate(ctx)
}
