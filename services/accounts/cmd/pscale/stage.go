package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"example.com/quartet/services/accounts/internal/pscale"
)

// provisioner carries out the stage commands.
type provisioner struct {
	api              *pscale.Client
	secrets          SecretStore
	migrate          func(ctx context.Context, dsn string) error // applies the migrations at dsn
	productionBranch string
	passwordTTL      time.Duration
	out              io.Writer

	// Polling for a branch to become ready: the first wait, doubled up to
	// the longest; zero values mean 2 s and 30 s. The context's deadline
	// bounds the whole wait.
	pollFirst, pollMax time.Duration
}

// migrationPasswordTTL is the lifetime of the admin password used only to
// apply the migrations.
const migrationPasswordTTL = time.Hour

// stagePattern is what a stage name may be: a valid PlanetScale branch
// name.
var stagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// SecretName is the name of the stage's secret holding the DSN of its
// accounts database.
func SecretName(stage string) string { return "quartet/" + stage + "/accounts/database-url" }

func (p *provisioner) checkStage(stage string) error {
	switch {
	case !stagePattern.MatchString(stage):
		return fmt.Errorf("stage %q must be lower-case letters, digits and dashes", stage)
	case stage == p.productionBranch:
		return fmt.Errorf("stage %q is the production branch; refusing to manage it", stage)
	}
	return nil
}

// Branch ensures the stage's branch exists and is ready, migrates it, and
// stores the DSN of a fresh readwriter password in the stage's secret.
func (p *provisioner) Branch(ctx context.Context, stage string) error {
	if err := p.checkStage(stage); err != nil {
		return err
	}
	b, err := p.api.Branch(ctx, stage)
	switch {
	case errors.Is(err, pscale.ErrNotFound):
		fmt.Fprintf(p.out, "creating branch %s from %s\n", stage, p.productionBranch)
		if b, err = p.api.CreateBranch(ctx, stage, p.productionBranch); err != nil {
			return fmt.Errorf("create branch %s: %w", stage, err)
		}
	case err != nil:
		return fmt.Errorf("read branch %s: %w", stage, err)
	default:
		fmt.Fprintf(p.out, "branch %s exists\n", stage)
	}
	if !b.Ready {
		if err := p.waitReady(ctx, stage); err != nil {
			return err
		}
	}

	now := time.Now().UTC().Format("20060102-150405")
	admin, err := p.api.CreatePassword(ctx, stage, pscale.PasswordRequest{
		Name: "accounts-migrate-" + now, Role: "admin", TTL: int(migrationPasswordTTL / time.Second),
	})
	if err != nil {
		return fmt.Errorf("create migration password: %w", err)
	}
	if err := p.migrate(ctx, admin.DSN(p.api.Database)); err != nil {
		return fmt.Errorf("migrate branch %s: %w", stage, err)
	}
	fmt.Fprintf(p.out, "branch %s is migrated\n", stage)

	app, err := p.api.CreatePassword(ctx, stage, pscale.PasswordRequest{
		Name: "accounts-" + stage + "-" + now, Role: "readwriter", TTL: int(p.passwordTTL / time.Second),
	})
	if err != nil {
		return fmt.Errorf("create password: %w", err)
	}
	if err := p.secrets.Put(ctx, SecretName(stage), app.DSN(p.api.Database)); err != nil {
		return fmt.Errorf("store the DSN: %w", err)
	}
	fmt.Fprintf(p.out, "stored the DSN of password %s (valid for %v) in secret %s\n", app.Name, p.passwordTTL, SecretName(stage))
	return nil
}

// waitReady polls the branch with exponential backoff until it is ready or
// ctx ends.
func (p *provisioner) waitReady(ctx context.Context, stage string) error {
	wait, longest := p.pollFirst, p.pollMax
	if wait <= 0 {
		wait = 2 * time.Second
	}
	if longest <= 0 {
		longest = 30 * time.Second
	}
	for {
		fmt.Fprintf(p.out, "waiting for branch %s to be ready\n", stage)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("branch %s is not ready: %w", stage, ctx.Err())
		case <-t.C:
		}
		b, err := p.api.Branch(ctx, stage)
		if err != nil {
			return fmt.Errorf("read branch %s: %w", stage, err)
		}
		if b.Ready {
			return nil
		}
		wait = min(2*wait, longest)
	}
}

// Promote opens a deploy request from the stage's branch into production.
func (p *provisioner) Promote(ctx context.Context, stage string) error {
	if err := p.checkStage(stage); err != nil {
		return err
	}
	d, err := p.api.CreateDeployRequest(ctx, stage, p.productionBranch, "Schema changes of stage "+stage+" (accounts)")
	if err != nil {
		return fmt.Errorf("open deploy request: %w", err)
	}
	fmt.Fprintf(p.out, "opened deploy request #%d from %s into %s: %s\n", d.Number, stage, p.productionBranch, d.HTMLURL)
	return nil
}

// Delete removes the stage's branch and secret. A branch already gone is
// not an error.
func (p *provisioner) Delete(ctx context.Context, stage string) error {
	if err := p.checkStage(stage); err != nil {
		return err
	}
	if err := p.api.DeleteBranch(ctx, stage); err != nil && !errors.Is(err, pscale.ErrNotFound) {
		return fmt.Errorf("delete branch %s: %w", stage, err)
	}
	if err := p.secrets.Delete(ctx, SecretName(stage)); err != nil {
		return fmt.Errorf("delete secret: %w", err)
	}
	fmt.Fprintf(p.out, "deleted branch %s and secret %s\n", stage, SecretName(stage))
	return nil
}
