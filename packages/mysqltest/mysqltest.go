// Package mysqltest gives each test a fresh MySQL database, so that a
// contract suite runs the same tests against the embedded go-mysql-server
// and against a real MariaDB or MySQL server:
//
//	func TestStoreEmbedded(t *testing.T) { runSuite(t, mysqltest.Embedded(t)) }
//	func TestStoreExternal(t *testing.T) { runSuite(t, mysqltest.External(t)) }
//
// Both return a go-sql-driver/mysql DSN of a database named t_<random>,
// safe for parallel tests and for parallel test binaries sharing one
// server, and drop it when the test ends.
//
// The embedded server (github.com/dolthub/go-mysql-server, in memory,
// started by example.com/quartet/packages/embeddedmysql) needs
// nothing installed. It runs one transaction at a time, so concurrency
// cases pass on it, but it has no row locks, deadlocks or isolation levels
// of its own: tests of those run on External (MariaDB or MySQL).
package mysqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/embeddedmysql"
	"example.com/quartet/packages/testenv"
)

// EnvDSN names the environment variable holding the DSN of a real server,
// such as root@tcp(127.0.0.1:3306)/test. External connects with it as a
// user that may create and drop databases.
const EnvDSN = "TEST_MYSQL_URL"

// timeout bounds each administrative statement.
const timeout = time.Minute

// External returns the DSN of a fresh database on the server at
// $TEST_MYSQL_URL. It skips tb (fails it under CI=true) when that variable
// is not set.
func External(tb testing.TB) string {
	tb.Helper()
	dsn := testenv.Lookup(tb, EnvDSN)
	if dsn == "" {
		return ""
	}
	return freshDatabase(tb, dsn)
}

// Embedded returns the DSN of a fresh database on the in-process
// go-mysql-server of this test binary, starting it on first use on a free
// port of 127.0.0.1. The server lives as long as the test binary.
func Embedded(tb testing.TB) string {
	tb.Helper()
	dsn, err := embeddedServer()
	if err != nil {
		tb.Fatalf("mysqltest: embedded server: %v", err)
		return ""
	}
	return freshDatabase(tb, dsn)
}

// embeddedServer starts the embedded server once and returns the DSN of
// its root user.
var embeddedServer = sync.OnceValues(func() (string, error) {
	srv, err := embeddedmysql.Start(embeddedmysql.Options{})
	if err != nil {
		return "", err
	}
	return srv.DSN(""), nil
})

// freshDatabase creates a database with a random name on the server at
// adminDSN, drops it when tb ends, and returns its DSN.
func freshDatabase(tb testing.TB, adminDSN string) string {
	tb.Helper()
	cfg, err := mysql.ParseDSN(adminDSN)
	if err != nil {
		tb.Fatalf("mysqltest: want a go-sql-driver/mysql DSN such as root@tcp(127.0.0.1:3306)/test: %v", err)
		return ""
	}
	name := "t_" + strings.ToLower(rand.Text())
	if err := execAdmin(cfg, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		tb.Fatalf("mysqltest: on %s: %v", cfg.Addr, err)
		return ""
	}
	tb.Cleanup(func() {
		if err := execAdmin(cfg, "DROP DATABASE IF EXISTS "+name); err != nil {
			tb.Errorf("mysqltest: on %s: %v", cfg.Addr, err)
		}
	})
	fresh := cfg.Clone()
	fresh.DBName = name
	return fresh.FormatDSN()
}

// execAdmin runs one statement on a connection of its own to the server of
// cfg, without selecting a database.
func execAdmin(cfg *mysql.Config, stmt string) error {
	admin := cfg.Clone()
	admin.DBName = ""
	// Fail fast instead of hanging when the server does not answer, for
	// example while another client holds a metadata lock.
	if admin.Timeout == 0 {
		admin.Timeout = 10 * time.Second
	}
	if admin.ReadTimeout == 0 {
		admin.ReadTimeout = timeout
	}
	if admin.WriteTimeout == 0 {
		admin.WriteTimeout = timeout
	}
	connector, err := mysql.NewConnector(admin)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}
