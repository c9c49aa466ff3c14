package postgres_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/catalogtest"
	"example.com/quartet/services/catalog/internal/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// servers are the PostgreSQL servers the tests run on, each giving a fresh
// database per call.
var servers = []struct {
	name     string
	database func(testing.TB) string
}{
	{"Embedded", pgtest.Embedded},
	{"External", pgtest.External},
}

func TestStore(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			catalogtest.Run(t, func(t *testing.T) catalog.Store {
				pool := newPool(t, srv.database(t))
				if err := postgres.Migrate(t.Context(), pool); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				return postgres.NewStore(pool)
			})
		})
	}
}

func TestMigrate(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			t.Run("Twice", func(t *testing.T) {
				t.Parallel()
				pool := newPool(t, srv.database(t))
				for i := range 2 {
					if err := postgres.Migrate(t.Context(), pool); err != nil {
						t.Fatalf("Migrate #%d: %v", i+1, err)
					}
				}
				checkMigrated(t, pool)
			})
			t.Run("Concurrently", func(t *testing.T) {
				t.Parallel()
				url := srv.database(t)
				errs := make([]error, 5)
				var wg sync.WaitGroup
				for i := range errs {
					// A pool each, as separate processes would have.
					pool := newPool(t, url)
					wg.Go(func() { errs[i] = postgres.Migrate(t.Context(), pool) })
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("Migrate #%d: %v", i+1, err)
					}
				}
				checkMigrated(t, newPool(t, url))
			})
		})
	}
}

func TestNewPool(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		maxConns  int32
		timeouts  [2]string // statement_timeout, lock_timeout
	}{
		{"defaults", "postgres://u@localhost/db", 2, [2]string{"5000", "2000"}},
		{"overridden", "postgres://u@localhost/db?pool_max_conns=7&statement_timeout=100&lock_timeout=50", 7, [2]string{"100", "50"}},
		{"key value", "host=localhost dbname=db pool_max_conns=3", 3, [2]string{"5000", "2000"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pool, err := postgres.NewPool(t.Context(), tt.dsn)
			if err != nil {
				t.Fatalf("NewPool: %v", err)
			}
			defer pool.Close()
			cfg := pool.Config()
			if cfg.MaxConns != tt.maxConns {
				t.Errorf("MaxConns = %d, want %d", cfg.MaxConns, tt.maxConns)
			}
			if got := cfg.ConnConfig.ConnectTimeout; got.Seconds() != 5 {
				t.Errorf("ConnectTimeout = %v, want 5s", got)
			}
			params := cfg.ConnConfig.RuntimeParams
			if got := [2]string{params["statement_timeout"], params["lock_timeout"]}; got != tt.timeouts {
				t.Errorf("statement_timeout, lock_timeout = %q, want %q", got, tt.timeouts)
			}
		})
	}
}

// checkMigrated checks that every migration was recorded once and that the
// schema is there.
func checkMigrated(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var migrations, products int
	const q = `SELECT (SELECT count(*) FROM schema_migrations), (SELECT count(*) FROM products)`
	if err := pool.QueryRow(t.Context(), q).Scan(&migrations, &products); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if migrations != 1 {
		t.Errorf("schema_migrations has %d rows, want 1", migrations)
	}
}

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.NewPool(context.Background(), url)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
