// Command migrate brings the catalog database schema up to date and, with
// -seed, loads the demo data. It runs as an explicit deploy step (and in
// `make dev`), never on a Lambda cold start.
//
//	DATABASE_URL=postgres://... go run ./services/catalog/cmd/migrate [-seed]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

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
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	app, err := catalog.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.Migrate(ctx); err != nil {
		return err
	}
	logger.Info("catalog schema is up to date")
	if *withSeed {
		if err := app.Seed(ctx); err != nil {
			return err
		}
		logger.Info("catalog demo data loaded")
	}
	return nil
}
