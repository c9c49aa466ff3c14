// Package system composes the local system: it starts the stores the bounded
// contexts need and builds each context's Lambda handler for the gateway.
//
// Adding a context to `make dev` takes one entry in contexts, and, if it
// needs a new kind of store, one field in Stores.
package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/packages/embeddedpg"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/catalog"
)

// postgresPort is the fixed port of the embedded PostgreSQL server, below the
// ephemeral port range so that it does not collide with outgoing sockets.
const postgresPort = 15432

// Stores holds the connection strings of the local stores, one field per
// kind of store.
type Stores struct {
	PostgresURL string
}

// app is what every context's public app package provides.
type app interface {
	Migrate(ctx context.Context) error
	Seed(ctx context.Context) error
	Handler() http.Handler
	Close()
}

// entry describes one bounded context: its name, its OpenAPI document and
// how to open its app on the local stores.
type entry struct {
	name string
	spec []byte
	open func(context.Context, Stores, *slog.Logger) (app, error)
}

// contexts lists the bounded contexts of the local system.
func contexts() []entry {
	return []entry{
		{
			name: "catalog",
			spec: catalog.OpenAPI,
			open: func(ctx context.Context, s Stores, l *slog.Logger) (app, error) {
				a, err := catalog.New(ctx, catalog.Config{DatabaseURL: s.PostgresURL}, l)
				if err != nil {
					return nil, err // not a typed nil *catalog.App in the interface
				}
				return a, nil
			},
		},
	}
}

// Config configures Start.
type Config struct {
	// DataDir keeps the data of the embedded stores across restarts.
	DataDir string
	// DatabaseURL, if set, is a PostgreSQL server to use instead of the
	// embedded one.
	DatabaseURL string
	// Logger is handed to every context. Nil discards their logs.
	Logger *slog.Logger
	// StoreLog receives the output of the embedded stores.
	StoreLog io.Writer
}

// System is the running local system.
type System struct {
	// Stores are the stores the contexts use.
	Stores Stores
	// Contexts are the contexts' handlers, ready for gateway.New.
	Contexts []gateway.Context

	apps     []app
	postgres *embeddedpg.Server // nil when DatabaseURL was given
}

// Start starts the stores, then opens, migrates and seeds every context. The
// caller must call Close, which undoes all of it; on error Start undoes what
// it did itself.
func Start(ctx context.Context, cfg Config) (_ *System, err error) {
	s := &System{Stores: Stores{PostgresURL: cfg.DatabaseURL}}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Close())
		}
	}()

	if s.Stores.PostgresURL == "" {
		s.postgres, err = embeddedpg.Start(ctx, embeddedpg.Options{
			DataPath: filepath.Join(cfg.DataDir, "postgres"),
			Port:     postgresPort,
			Logger:   cfg.StoreLog,
		})
		if err != nil {
			return nil, fmt.Errorf("start embedded PostgreSQL: %w", err)
		}
		s.Stores.PostgresURL = s.postgres.URL("postgres")
	}

	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	for _, e := range contexts() {
		a, err := e.open(ctx, s.Stores, logger.With("context", e.name))
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", e.name, err)
		}
		s.apps = append(s.apps, a)
		if err := a.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("migrate %s: %w", e.name, err)
		}
		if err := a.Seed(ctx); err != nil {
			return nil, fmt.Errorf("seed %s: %w", e.name, err)
		}
		s.Contexts = append(s.Contexts, gateway.Context{
			Name:    e.name,
			Spec:    e.spec,
			Handler: lambdahttp.Adapt(a.Handler()),
		})
	}
	return s, nil
}

// Close closes every context, then stops the embedded stores.
func (s *System) Close() error {
	for _, a := range s.apps {
		a.Close()
	}
	s.apps = nil
	if s.postgres != nil {
		if err := s.postgres.Stop(); err != nil {
			return err
		}
		s.postgres = nil
	}
	return nil
}
