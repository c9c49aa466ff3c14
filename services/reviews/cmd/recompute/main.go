// Command recompute recounts every product's rating summary from its reviews
// and every review's helpful count from its votes, and reports where the
// stored values drifted. With -fix it also corrects them. It exits with
// status 2 when it found drift and did not fix it, so a scheduled check can
// alert on it.
//
//	MONGODB_URI=mongodb://... go run ./services/reviews/cmd/recompute [-fix]
//
// Drift can only come from a process dying between the writes of one
// operation (see the service README). Run -fix while writes are quiet.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"example.com/quartet/services/reviews"
)

// errDrift reports drift that was found and left in place.
var errDrift = errors.New("drift found; run with -fix to correct it")

// timeout bounds the whole recount, overriding the per-operation timeout of
// the client.
const timeout = 30 * time.Minute

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	switch {
	case errors.Is(err, errDrift):
		fmt.Fprintln(os.Stderr, "recompute:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "recompute:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("recompute", flag.ContinueOnError)
	fix := fs.Bool("fix", false, "overwrite drifted values with the recounted ones")
	if err := fs.Parse(args); err != nil {
		return err
	}
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

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	drift, err := app.Recompute(ctx, *fix)
	if err != nil {
		return err
	}
	for _, d := range drift.Summaries {
		logger.Warn("summary drift", "product", d.ProductID,
			"stored", d.Stored.Histogram, "actual", d.Actual.Histogram, "fixed", *fix)
	}
	for _, d := range drift.Helpful {
		logger.Warn("helpful count drift", "review", d.ReviewID, "stored", d.Stored, "actual", d.Actual, "fixed", *fix)
	}
	if drift.None() {
		logger.Info("no drift: every summary and helpful count matches its reviews and votes")
		return nil
	}
	if !*fix {
		return errDrift
	}
	logger.Info("drift fixed", "summaries", len(drift.Summaries), "helpful_counts", len(drift.Helpful))
	return nil
}
