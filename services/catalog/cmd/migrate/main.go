// Command migrate brings the catalog database schema up to date and, with
// -seed, loads the demo data. It runs as an explicit deploy step (and in
// `make dev`), never on a Lambda cold start.
//
//	DATABASE_URL=postgres://... go run ./services/catalog/cmd/migrate [-seed]
//
// Built as a Lambda bootstrap (make build: bin/catalog-migrate), it is the
// AWS stack's migration function: run by the Lambda runtime
// (AWS_LAMBDA_RUNTIME_API is set), it connects once and migrates on every
// invocation, which the deploy's trigger makes; an error fails the
// invocation, and so the deploy.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/quartet/services/catalog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	withSeed := fs.Bool("seed", false, "also load the demo data (idempotent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := catalog.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	// Migrating publishes nothing: the backfill's and the demo data's
	// events stay in the outbox, for the relay function (or make dev's
	// sweep) to publish.
	cfg.Events, cfg.EventBusName, cfg.OutboxSweepInterval = nil, "", 0
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	app, err := catalog.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	migrate := func(ctx context.Context) error {
		if err := app.Migrate(ctx); err != nil {
			return fmt.Errorf("catalog migrations: %w", err)
		}
		logger.Info("catalog schema is up to date")
		if *withSeed {
			if err := app.Seed(ctx); err != nil {
				return fmt.Errorf("catalog demo data: %w", err)
			}
			logger.Info("catalog demo data loaded")
		}
		return nil
	}
	if getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.StartWithOptions(migrate, lambda.WithContext(ctx))
		return nil
	}
	return migrate(ctx)
}
