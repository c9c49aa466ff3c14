// Command lambda is the accounts context's AWS Lambda function (runtime
// provided.al2023, handler binary "bootstrap").
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/accounts/internal/awssecrets"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "accounts:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment. With
// DATABASE_URL_SECRET or SIGNING_KEYS_SECRET it builds a Secrets Manager
// client, and accounts.New reads the secrets then, never per request.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "accounts")
	cfg, err := accounts.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.NeedsSecrets() { // region and credentials: the execution role's
		if cfg.Secrets, err = awssecrets.NewClient(ctx, awssecrets.ClientConfig{}); err != nil {
			return err
		}
	}
	app, err := accounts.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	logger.Info("starting", "config", cfg)
	lambdahttp.Start(app.Handler())
	return nil
}
