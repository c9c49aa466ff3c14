package mysqltest_test

import (
	"database/sql"
	"testing"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/mysqltest"
)

func TestEmbedded(t *testing.T) { checkFresh(t, mysqltest.Embedded) }

func TestExternal(t *testing.T) { checkFresh(t, mysqltest.External) }

// checkFresh checks that two databases from fresh are distinct, empty and
// writable.
func checkFresh(t *testing.T, fresh func(testing.TB) string) {
	var names []string
	for range 2 {
		dsn := fresh(t)
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("ParseDSN(%q): %v", dsn, err)
		}
		names = append(names, cfg.DBName)
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := t.Context()
		var tables int
		if err := db.QueryRowContext(ctx,
			"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&tables); err != nil {
			t.Fatalf("counting tables: %v", err)
		}
		if tables != 0 {
			t.Errorf("fresh database %s has %d tables, want 0", cfg.DBName, tables)
		}
		for _, stmt := range []string{
			"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
			"INSERT INTO t VALUES (1, 'x')",
		} {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	if names[0] == names[1] {
		t.Errorf("two fresh databases are both named %s", names[0])
	}
}
