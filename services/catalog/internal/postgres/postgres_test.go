package postgres_test

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/quartet/packages/event/eventtest"
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
				// Enough connections for the concurrency cases to contend
				// in the database rather than wait for a connection.
				pool := newPool(t, withParam(t, srv.database(t), "pool_max_conns", "10"))
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
	if migrations != 2 {
		t.Errorf("schema_migrations has %d rows, want 2", migrations)
	}
	var backfilled bool
	const done = `SELECT done_at IS NOT NULL FROM event_backfills WHERE name = 'ProductCreated'`
	if err := pool.QueryRow(t.Context(), done).Scan(&backfilled); err != nil || !backfilled {
		t.Errorf("the ProductCreated backfill is not marked done: %v", err)
	}
}

// TestBackfill migrates a database that had products before the catalog
// had events (only the first migration applied, as it was then): Migrate
// writes one ProductCreated per product to the outbox, valid events of
// each product as it is, and a second Migrate writes none.
func TestBackfill(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			pool := newPool(t, srv.database(t))
			first, err := os.ReadFile("migrations/0001_catalog.sql")
			if err != nil {
				t.Fatal(err)
			}
			before := string(first) + `;
				CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
				INSERT INTO schema_migrations (version) VALUES ('0001_catalog.sql');
				INSERT INTO categories VALUES ('kitchen', 'Kitchen');
				INSERT INTO products (id, sku, name, description, price_amount, price_currency, category, stock, status, version, created_at, updated_at) VALUES
					('01959ad0-0000-7000-8000-000000000001', 'K-1', 'Knife', '', 1200, 'USD', 'kitchen', 3, 'active', 4, now(), now()),
					('01959ad0-0000-7000-8000-000000000002', 'K-2', 'Pan', '', 4500, 'EUR', 'kitchen', 0, 'archived', 7, now(), now())`
			if _, err := pool.Exec(ctx, before); err != nil {
				t.Fatalf("the schema before events: %v", err)
			}
			for range 2 {
				if err := postgres.Migrate(ctx, pool); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
			}
			checkBackfill(t, postgres.NewStore(pool))
		})
	}
}

// checkBackfill checks that the outbox holds one ProductCreated of each of
// the two products TestBackfill created before events.
func checkBackfill(t *testing.T, s catalog.Store) {
	t.Helper()
	events, err := s.Pending(t.Context(), time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if len(events) != 2 {
		t.Fatalf("the outbox holds %d events, want 2", len(events))
	}
	eventtest.CheckProduced(t, "../../events", events...)
	want := map[string]string{
		"01959ad0-0000-7000-8000-000000000001": `{"productId":"01959ad0-0000-7000-8000-000000000001","name":"Knife","price":{"amount":1200,"currency":"USD"},"status":"active","version":4}`,
		"01959ad0-0000-7000-8000-000000000002": `{"productId":"01959ad0-0000-7000-8000-000000000002","name":"Pan","price":{"amount":4500,"currency":"EUR"},"status":"archived","version":7}`,
	}
	for _, e := range events {
		if e.Type != catalog.TypeProductCreated || string(e.Data) != want[e.Subject] {
			t.Errorf("backfilled %s of %s with %s, want ProductCreated with %s", e.Type, e.Subject, e.Data, want[e.Subject])
		}
	}
}

// withParam returns the URL u with the query parameter name set to value.
func withParam(t *testing.T, u, name, value string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set(name, value)
	parsed.RawQuery = q.Encode()
	return parsed.String()
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
