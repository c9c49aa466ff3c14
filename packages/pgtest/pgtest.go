// Package pgtest gives each test a fresh PostgreSQL database, so that a
// contract suite runs the same tests against the embedded server and
// against a real one:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestStoreEmbedded(t *testing.T) { runSuite(t, pgtest.Embedded(t)) }
//	func TestStoreExternal(t *testing.T) { runSuite(t, pgtest.External(t)) }
//
// Each call creates a database with a random name, safe for parallel tests
// and for parallel test binaries sharing one server, and drops it (WITH
// (FORCE), which needs PostgreSQL 13 or later) when the test ends. A test
// whose server is unavailable skips, or fails under CI=true (see testenv).
package pgtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/quartet/packages/embeddedpg"
	"example.com/quartet/packages/testenv"
)

// EnvURL names the environment variable holding the URL of a real server,
// such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable. External
// connects to it as an administrator that may create databases.
const EnvURL = "TEST_POSTGRES_URL"

// timeout bounds starting the embedded server and each administrative
// statement.
const timeout = 2 * time.Minute

// embedded is the one embedded server of this test binary, started by the
// first call to Embedded and stopped by Main.
var embedded struct {
	sync.Mutex
	inMain  bool // Main is running, so it will stop the server
	started bool // Start was called; server and err hold its result
	server  *embeddedpg.Server
	err     error
}

// Main runs the tests of m and then stops the embedded server, if one was
// started. It returns the exit code for os.Exit, which is non-zero if the
// server could not be stopped.
func Main(m *testing.M) int {
	embedded.Lock()
	embedded.inMain = true
	embedded.Unlock()

	code := m.Run()

	embedded.Lock()
	defer embedded.Unlock()
	if embedded.server != nil {
		if err := embedded.server.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Embedded returns the URL of a fresh database on the embedded server of
// this test binary, starting that server on first use. It skips tb (fails
// it under CI=true) when the PostgreSQL binaries are not installed, and
// fails it unless TestMain runs the tests through Main, since the server
// would otherwise outlive the test binary.
func Embedded(tb testing.TB) string {
	tb.Helper()
	srv, err := embeddedServer()
	switch {
	case errors.Is(err, embeddedpg.ErrNoBinaries):
		testenv.Unavailable(tb, "%v", err)
		return ""
	case err != nil:
		tb.Fatal(err)
		return ""
	}
	return freshDatabase(tb, srv.URL("postgres"))
}

// External returns the URL of a fresh database on the server at
// $TEST_POSTGRES_URL. It skips tb (fails it under CI=true) when that
// variable is not set.
func External(tb testing.TB) string {
	tb.Helper()
	adminURL := testenv.Lookup(tb, EnvURL)
	if adminURL == "" {
		return ""
	}
	return freshDatabase(tb, adminURL)
}

// errNoMain reports a use of Embedded outside Main, whose server nothing
// would stop.
var errNoMain = errors.New("pgtest: Embedded needs TestMain to run the tests through pgtest.Main, which stops the server")

// embeddedServer starts the embedded server once and returns it. Callers
// wait for a start in progress, and all see the same result.
func embeddedServer() (*embeddedpg.Server, error) {
	embedded.Lock()
	defer embedded.Unlock()
	if !embedded.inMain {
		return nil, errNoMain
	}
	if !embedded.started {
		embedded.started = true
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		embedded.server, embedded.err = embeddedpg.Start(ctx, embeddedpg.Options{})
	}
	return embedded.server, embedded.err
}

// freshDatabase creates a database with a random name on the server at
// adminURL, drops it when tb ends, and returns its URL.
func freshDatabase(tb testing.TB, adminURL string) string {
	tb.Helper()
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("pgtest: want a postgres:// URL, got %q", adminURL)
		return ""
	}
	name := "pgtest_" + strings.ToLower(rand.Text())
	ident := pgx.Identifier{name}.Sanitize()
	if err := execAdmin(adminURL, "CREATE DATABASE "+ident); err != nil {
		tb.Fatalf("pgtest: on %s: %v", u.Redacted(), err)
		return ""
	}
	tb.Cleanup(func() {
		if err := execAdmin(adminURL, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: on %s: %v", u.Redacted(), err)
		}
	})
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

// execAdmin runs one statement on a connection of its own to adminURL.
func execAdmin(adminURL, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
