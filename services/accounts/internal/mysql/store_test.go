package mysql_test

import (
	"testing"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/accountstest"
	"example.com/quartet/services/accounts/internal/mysql"
)

// TestStoreMariaDB runs the whole contract suite, concurrency cases
// included, on the server at $TEST_MYSQL_URL.
func TestStoreMariaDB(t *testing.T) {
	accountstest.Run(t, func(t *testing.T) accounts.Store {
		return newStore(t, mysqltest.External(t))
	}, accountstest.Options{})
}

// TestStoreEmbedded runs the whole contract suite, concurrency cases
// included, on go-mysql-server as `make dev` runs it: embeddedmysql runs
// one transaction at a time, so no acknowledged write is lost and every
// optimistic-concurrency check holds there too.
func TestStoreEmbedded(t *testing.T) {
	accountstest.Run(t, func(t *testing.T) accounts.Store {
		return newStore(t, mysqltest.Embedded(t))
	}, accountstest.Options{})
}

// newStore migrates the database at dsn and returns a store on it with a
// pool large enough for the concurrency cases.
func newStore(t *testing.T, dsn string) *mysql.Store {
	t.Helper()
	db, err := mysqlx.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(25)
	if err := mysql.Migrate(t.Context(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return mysql.NewStore(db)
}
