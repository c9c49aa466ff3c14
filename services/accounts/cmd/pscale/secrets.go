package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"example.com/quartet/services/accounts/internal/awssecrets"
)

// SecretStore keeps a stage's secrets by name. In AWS the stage's secret
// lives in Secrets Manager (awssecrets.Store), where the accounts Lambda
// reads it; FileSecrets is the local one.
type SecretStore interface {
	// Put creates the secret, or makes value its current version.
	Put(ctx context.Context, name, value string) error
	// Delete removes the secret; removing a missing secret is not an error.
	Delete(ctx context.Context, name string) error
}

var (
	_ SecretStore = (*awssecrets.Store)(nil)
	_ SecretStore = FileSecrets{}
)

// secretDescription is the description of the secrets created in Secrets
// Manager.
const secretDescription = "DSN of a stage's accounts database (PlanetScale branch), written by services/accounts/cmd/pscale"

// FileSecrets keeps each secret in a file of Dir, readable only by its
// owner (0600), named after the secret with "/" replaced by "_".
type FileSecrets struct{ Dir string }

func (s FileSecrets) path(name string) string {
	return filepath.Join(s.Dir, strings.ReplaceAll(name, "/", "_"))
}

// Put implements SecretStore, replacing the file atomically.
func (s FileSecrets) Put(_ context.Context, name, value string) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, ".secret-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(value); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path(name))
}

// Get returns the secret's value.
func (s FileSecrets) Get(_ context.Context, name string) (string, error) {
	b, err := os.ReadFile(s.path(name))
	return string(b), err
}

// Delete implements SecretStore.
func (s FileSecrets) Delete(_ context.Context, name string) error {
	if err := os.Remove(s.path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
