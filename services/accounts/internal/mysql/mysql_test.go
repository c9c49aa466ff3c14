package mysql_test

import (
	"sync"
	"testing"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/accounts/internal/mysql"
)

// TestMigrateConcurrently checks that migrations run once however many
// Migrate calls race, and that running them again changes nothing.
func TestMigrateConcurrently(t *testing.T) {
	dsn := mysqltest.External(t)
	db, err := mysqlx.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(10)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { errs[i] = mysql.Migrate(t.Context(), db) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("Migrate: %v", err)
		}
	}
	if err := mysql.Migrate(t.Context(), db); err != nil {
		t.Errorf("Migrate again: %v", err)
	}
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != 2 {
		t.Errorf("schema_migrations has %d rows (%v), want 2", n, err)
	}
}
