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
	"time"

	"example.com/quartet/packages/budget"
	domain "example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/mysql"
	"example.com/quartet/services/catalog/internal/postgres"
	"example.com/quartet/services/catalog/internal/seed"
)

// OpenAPI is the context's HTTP contract, services/catalog/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Database engines the catalog runs on.
const (
	EnginePostgres = "postgres" // RDS or Aurora PostgreSQL, through pgx
	EngineMySQL    = "mysql"    // RDS or Aurora MySQL, or MariaDB, through go-sql-driver/mysql
)

// Config is everything the context needs to run.
type Config struct {
	// Engine is EnginePostgres or EngineMySQL; "" means EnginePostgres.
	Engine string
	// DatabaseURL locates the database. For postgres, a postgres:// URL
	// whose parameters may set pool_max_conns, statement_timeout and
	// lock_timeout. For mysql, a go-sql-driver DSN
	// (user:pass@tcp(host:3306)/catalog?tls=true) or a mysql:// URL.
	DatabaseURL string
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
}

// ConfigFromEnv reads the configuration from the environment:
// CATALOG_DB_ENGINE (postgres, the default, or mysql), DATABASE_URL and
// REQUEST_BUDGET (a duration, budget.Default when unset).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Engine: getenv("CATALOG_DB_ENGINE"), DatabaseURL: getenv("DATABASE_URL")}
	if cfg.Engine == "" {
		cfg.Engine = EnginePostgres
	}
	if err := checkEngine(cfg.Engine); err != nil {
		return Config{}, fmt.Errorf("CATALOG_DB_ENGINE: %w", err)
	}
	if cfg.DatabaseURL == "" {
		return Config{}, errors.New("DATABASE_URL is not set")
	}
	d, err := budget.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.RequestBudget = d
	return cfg, nil
}

func checkEngine(engine string) error {
	switch engine {
	case "", EnginePostgres, EngineMySQL:
		return nil
	}
	return fmt.Errorf("unknown database engine %q: want %q or %q", engine, EnginePostgres, EngineMySQL)
}

// App is an assembled catalog context.
type App struct {
	db      database
	service *domain.Service
	handler http.Handler
}

// database is the store of one engine and what the App does with its
// connections besides serving requests.
type database struct {
	store   domain.Store
	migrate func(context.Context) error
	close   func()
}

// New connects to the database and assembles the context. It does not
// migrate: that is an explicit step (Migrate), never part of a cold start.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("catalog database: %w", err)
	}
	service := domain.NewService(db.store)
	return &App{db: db, service: service, handler: budget.Handler(cfg.RequestBudget, httpapi.New(service, logger))}, nil
}

// openDatabase opens the store of cfg.Engine. Neither engine contacts the
// server before the first request.
func openDatabase(ctx context.Context, cfg Config) (database, error) {
	switch cfg.Engine {
	case "", EnginePostgres:
		pool, err := postgres.NewPool(ctx, cfg.DatabaseURL)
		if err != nil {
			return database{}, err
		}
		return database{
			store:   postgres.NewStore(pool),
			migrate: func(ctx context.Context) error { return postgres.Migrate(ctx, pool) },
			close:   pool.Close,
		}, nil
	case EngineMySQL:
		db, err := mysql.Open(cfg.DatabaseURL)
		if err != nil {
			return database{}, err
		}
		return database{
			store:   mysql.NewStore(db),
			migrate: func(ctx context.Context) error { return mysql.Migrate(ctx, db) },
			close:   func() { _ = db.Close() },
		}, nil
	}
	return database{}, checkEngine(cfg.Engine)
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate brings the database schema up to date.
func (a *App) Migrate(ctx context.Context) error { return a.db.migrate(ctx) }

// Seed loads the demo data; running it again adds nothing.
func (a *App) Seed(ctx context.Context) error { return seed.Run(ctx, a.service, a.db.store) }

// Close releases the database connections.
func (a *App) Close() { a.db.close() }
