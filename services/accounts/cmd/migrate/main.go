// Command migrate brings the accounts database schema up to date and, with
// -seed, creates the demo accounts (see accounts.Seed). It runs as an
// explicit deploy step (and in `make dev`), never on a Lambda cold start.
//
//	DATABASE_URL='root@tcp(127.0.0.1:3306)/accounts' TOKEN_ISSUER=… TOKEN_AUDIENCE=… \
//	SIGNING_KEY_DIR=.data go run ./services/accounts/cmd/migrate [-seed]
//
// It reads the same variables as the Lambda function (accounts.ConfigFromEnv),
// so DATABASE_URL_SECRET and SIGNING_KEYS_SECRET work too, with the AWS
// region and credentials of the environment.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"example.com/quartet/services/accounts"
	"example.com/quartet/services/accounts/internal/awssecrets"
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
	withSeed := fs.Bool("seed", false, "also create the demo accounts (idempotent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := accounts.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.NeedsSecrets() { // region and credentials: the AWS profile's
		if cfg.Secrets, err = awssecrets.NewClient(ctx, awssecrets.ClientConfig{}); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	app, err := accounts.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.Migrate(ctx); err != nil {
		return err
	}
	logger.Info("accounts schema is up to date")
	if *withSeed {
		if err := app.Seed(ctx); err != nil {
			return err
		}
		logger.Info("accounts demo data loaded",
			"admin", accounts.DemoAdminEmail, "customer", accounts.DemoCustomerEmail)
	}
	return nil
}
