// Command pscale manages the accounts database of a stage on PlanetScale:
// one branch per stage, named after it.
//
//	go run ./services/accounts/cmd/pscale branch  -stage alice   # make db-branch STAGE=alice
//	go run ./services/accounts/cmd/pscale promote -stage alice   # make db-promote STAGE=alice
//	go run ./services/accounts/cmd/pscale delete  -stage alice   # make db-branch-delete STAGE=alice
//
// branch ensures the branch exists (created from the production branch),
// waits until it is ready, applies the accounts migrations through a
// short-lived admin password, creates a readwriter password with a TTL for
// the stage's Lambda functions and stores its DSN in the stage's secret.
// promote opens a deploy request from the stage branch into production.
// delete removes the branch and the stage's secret.
//
// The API is reached with a service token from PLANETSCALE_SERVICE_TOKEN_ID
// and PLANETSCALE_SERVICE_TOKEN, for the database PLANETSCALE_DATABASE of
// PLANETSCALE_ORG.
//
// The stage's secret is quartet/<stage>/accounts/database-url (SecretName),
// its SecretString the DSN, which the stage's Lambda function reads through
// DATABASE_URL_SECRET. With -secrets aws (the default) it lives in AWS
// Secrets Manager, reached with the region and credentials of the
// environment (AWS_REGION, AWS_PROFILE, …): branch creates the secret or
// puts a new version of it; delete deletes it at once
// (ForceDeleteWithoutRecovery: the branch and its passwords are gone, and
// the name is free for the stage again), or after -secret-recovery-days
// (7 to 30) days. With -secrets file it is a file under -secrets-dir, for
// trying the command without AWS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/accounts/internal/awssecrets"
	"example.com/quartet/services/accounts/internal/mysql"
	"example.com/quartet/services/accounts/internal/pscale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pscale:", err)
		os.Exit(1)
	}
}

const usage = "usage: pscale branch|promote|delete -stage NAME [flags]"

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	command := args[0]
	fs := flag.NewFlagSet("pscale "+command, flag.ContinueOnError)
	stage := fs.String("stage", "", "the stage, which names the branch (required)")
	production := fs.String("production-branch", "main", "the production branch new branches start from and deploy into")
	ttl := fs.Duration("password-ttl", 30*24*time.Hour, "lifetime of the stage's database password")
	secretsKind := fs.String("secrets", "aws", "where the stage's secret is stored: aws (Secrets Manager) or file")
	secretsDir := fs.String("secrets-dir", ".data/secrets", "where -secrets file keeps stage secrets")
	recoveryDays := fs.Int("secret-recovery-days", 0, "delete: keep the Secrets Manager secret recoverable this many days (7 to 30); 0 deletes it at once")
	timeout := fs.Duration("timeout", 15*time.Minute, "give up after this long")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}

	var missing []error
	env := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, fmt.Errorf("%s is not set", name))
		}
		return v
	}
	api := &pscale.Client{
		BaseURL:      getenv("PLANETSCALE_API_URL"),
		Organization: env("PLANETSCALE_ORG"),
		Database:     env("PLANETSCALE_DATABASE"),
		TokenID:      env("PLANETSCALE_SERVICE_TOKEN_ID"),
		Token:        env("PLANETSCALE_SERVICE_TOKEN"),
		HTTP:         &http.Client{Timeout: 30 * time.Second},
	}
	if err := errors.Join(missing...); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var secrets SecretStore
	switch *secretsKind {
	case "aws":
		if *recoveryDays != 0 && (*recoveryDays < 7 || *recoveryDays > 30) {
			return fmt.Errorf("-secret-recovery-days %d: want 0 or 7 to 30", *recoveryDays)
		}
		client, err := awssecrets.NewClient(ctx, awssecrets.ClientConfig{})
		if err != nil {
			return err
		}
		secrets = &awssecrets.Store{Client: client, Description: secretDescription, RecoveryDays: *recoveryDays}
	case "file":
		secrets = FileSecrets{Dir: *secretsDir}
	default:
		return fmt.Errorf("-secrets %q: want aws or file", *secretsKind)
	}

	p := &provisioner{
		api: api, secrets: secrets, migrate: migrateDSN,
		productionBranch: *production, passwordTTL: *ttl, out: stdout,
	}
	switch command {
	case "branch":
		return p.Branch(ctx, *stage)
	case "promote":
		return p.Promote(ctx, *stage)
	case "delete":
		return p.Delete(ctx, *stage)
	default:
		return fmt.Errorf("unknown command %q; %s", command, usage)
	}
}

// migrateDSN applies the accounts migrations to the database at dsn.
func migrateDSN(ctx context.Context, dsn string) error {
	db, err := mysqlx.Open(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return mysql.Migrate(ctx, db)
}
