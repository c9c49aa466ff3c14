// Package catalog is the public face of the catalog context: its HTTP
// contract and the one way to assemble it. The Lambda entry point, the
// migrate command and the local system (infra/local) all build the context
// through New, so they run the same code.
//
// The domain itself lives in internal/catalog; nothing outside this module
// can import it.
package catalog

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	domain "example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/postgres"
	"example.com/quartet/services/catalog/internal/seed"
)

// OpenAPI is the context's HTTP contract, services/catalog/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Config is everything the context needs to run.
type Config struct {
	// DatabaseURL is a postgres:// URL. Pool settings such as pool_max_conns
	// may be given as URL parameters.
	DatabaseURL string
}

// ConfigFromEnv reads the configuration from the environment: DATABASE_URL.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{DatabaseURL: getenv("DATABASE_URL")}
	if cfg.DatabaseURL == "" {
		return Config{}, errors.New("DATABASE_URL is not set")
	}
	return cfg, nil
}

// App is an assembled catalog context.
type App struct {
	pool    *pgxpool.Pool
	store   *postgres.Store
	service *domain.Service
	handler http.Handler
}

// New connects to the database and assembles the context. It does not
// migrate: that is an explicit step (Migrate), never part of a cold start.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	pool, err := postgres.NewPool(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("catalog database: %w", err)
	}
	store := postgres.NewStore(pool)
	service := domain.NewService(store)
	return &App{
		pool:    pool,
		store:   store,
		service: service,
		handler: httpapi.New(service, logger),
	}, nil
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate brings the database schema up to date.
func (a *App) Migrate(ctx context.Context) error { return postgres.Migrate(ctx, a.pool) }

// Seed loads the demo data; running it again adds nothing.
func (a *App) Seed(ctx context.Context) error { return seed.Run(ctx, a.service, a.store) }

// Close releases the database connections.
func (a *App) Close() { a.pool.Close() }
