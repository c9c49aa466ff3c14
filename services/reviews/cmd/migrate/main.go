// Command migrate creates the indexes of the reviews database. It runs as an
// explicit deploy step (and in `make dev`), never on a Lambda cold start.
//
//	MONGODB_URI=mongodb://... go run ./services/reviews/cmd/migrate
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"example.com/quartet/services/reviews"
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
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	app, err := reviews.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.Migrate(ctx); err != nil {
		return err
	}
	logger.Info("reviews indexes are up to date", "config", cfg)
	return nil
}
