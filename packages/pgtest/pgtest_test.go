package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"example.com/quartet/packages/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestEmbedded(t *testing.T) { testFreshDatabases(t, pgtest.Embedded) }

func TestExternal(t *testing.T) { testFreshDatabases(t, pgtest.External) }

// testFreshDatabases checks that fresh gives parallel tests distinct, empty
// databases that are dropped when each test ends.
func testFreshDatabases(t *testing.T, fresh func(testing.TB) string) {
	fresh(t) // skips (or fails under CI) if the server is unavailable

	const parallel = 4
	var (
		mu   sync.Mutex
		urls = map[string]bool{}
	)
	t.Run("parallel", func(t *testing.T) {
		for i := range parallel {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				url := fresh(t)
				conn, err := pgx.Connect(context.Background(), url)
				if err != nil {
					t.Fatalf("connect to fresh database: %v", err)
				}
				defer conn.Close(context.Background())

				var tables int
				if err := conn.QueryRow(context.Background(),
					`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
					t.Fatal(err)
				}
				if tables != 0 {
					t.Errorf("fresh database has %d tables, want 0", tables)
				}
				if _, err := conn.Exec(context.Background(), `CREATE TABLE marker (n int)`); err != nil {
					t.Fatal(err)
				}

				mu.Lock()
				defer mu.Unlock()
				urls[url] = true
			})
		}
	})

	// The parallel subtests and their cleanups have all finished by now.
	if len(urls) != parallel {
		t.Fatalf("got %d distinct database URLs, want %d: %v", len(urls), parallel, urls)
	}
	for url := range urls {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			conn.Close(context.Background())
		}
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "3D000" {
			t.Errorf("connect to %s after its test ended: %v, want invalid_catalog_name (3D000)", url, err)
		}
	}
}
