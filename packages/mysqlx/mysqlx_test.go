package mysqlx_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/packages/unavailable"

	"github.com/go-sql-driver/mysql"
)

func TestParseDSN(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		wantTLS   bool
		wantErr   bool
	}{
		{"local without TLS", "root@tcp(127.0.0.1:3306)/catalog", false, false},
		{"local with TLS", "root@tcp(db.internal:3306)/catalog?tls=true", true, false},
		{"URL", "mysql://u:p@db.internal/catalog", false, false},
		{"PlanetScale gets TLS", "u:p@tcp(aws.connect.psdb.cloud:3306)/accounts", true, false},
		{"PlanetScale URL", "mysql://u:p@aws.connect.psdb.cloud/accounts", true, false},
		{"PlanetScale without verification", "u:p@tcp(aws.connect.psdb.cloud)/accounts?tls=skip-verify", false, true},
		{"PlanetScale TLS off", "u:p@tcp(eu-west.connect.psdb.cloud)/accounts?tls=false", false, true},
		{"not a DSN", "root@127.0.0.1/x?", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := mysqlx.ParseDSN(tt.dsn)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDSN(%q): err %v, want error %v", tt.dsn, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if gotTLS := cfg.TLS != nil && !cfg.TLS.InsecureSkipVerify; gotTLS != tt.wantTLS {
				t.Errorf("verified TLS %v, want %v", gotTLS, tt.wantTLS)
			}
			if !cfg.ParseTime || cfg.Timeout != mysqlx.DialTimeout || cfg.ReadTimeout != mysqlx.ReadTimeout || cfg.WriteTimeout != mysqlx.WriteTimeout {
				t.Errorf("ParseTime %v, timeouts %v/%v/%v; want parsed times and the default timeouts",
					cfg.ParseTime, cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout)
			}
		})
	}
}

func TestParseDSNRedactsPassword(t *testing.T) {
	_, err := mysqlx.ParseDSN("mysql://u:secret@host:port/db")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("ParseDSN of a bad URL: %v; want an error without the password", err)
	}
}

func TestRedacted(t *testing.T) {
	for dsn, want := range map[string]string{
		"u:secret@tcp(db:3306)/app?parseTime=true":        "u:xxxxx@tcp(db:3306)/app",
		"mysql://u:secret@db/app":                         "u:xxxxx@tcp(db:3306)/app",
		"u@tcp(db:3306)/app":                              "u@tcp(db:3306)/app",
		"u:secret@tcp(x.connect.psdb.cloud)/app?tls=true": "u:xxxxx@tcp(x.connect.psdb.cloud:3306)/app",
		"mysql://u:secret@host:port/db":                   "(unparsable DSN)",
	} {
		got := mysqlx.Redacted(dsn)
		if strings.Contains(got, "secret") || !strings.HasPrefix(got, want) {
			t.Errorf("Redacted(%q) = %q, want it to start with %q and hold no password", dsn, got, want)
		}
	}
}

// TestMigrate checks that migrations run once however many Migrate calls
// race, and that running them again changes nothing.
func TestMigrate(t *testing.T) {
	fsys := fstest.MapFS{
		"001_a.sql": {Data: []byte("-- a table\nCREATE TABLE a (\n  id INT PRIMARY KEY\n);\nINSERT INTO a VALUES (1);\n")},
		"002_b.sql": {Data: []byte("CREATE TABLE b (id INT PRIMARY KEY)")},
		"README.md": {Data: []byte("not a migration")},
	}
	db, err := mysqlx.Open(mysqltest.External(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(10)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { errs[i] = mysqlx.Migrate(t.Context(), db, "test", fsys) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("Migrate: %v", err)
		}
	}
	if err := mysqlx.Migrate(t.Context(), db, "test", fsys); err != nil {
		t.Errorf("Migrate again: %v", err)
	}
	var migrations, rows int
	const q = `SELECT (SELECT COUNT(*) FROM schema_migrations), (SELECT COUNT(*) FROM a)`
	if err := db.QueryRowContext(t.Context(), q).Scan(&migrations, &rows); err != nil {
		t.Fatal(err)
	}
	if migrations != 2 || rows != 1 {
		t.Errorf("%d migrations recorded and %d rows in a, want 2 and 1", migrations, rows)
	}
}

func TestUnavailable(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"duplicate", &mysql.MySQLError{Number: mysqlx.ErrDuplicateEntry}, false},
		{"too many connections", &mysql.MySQLError{Number: mysqlx.ErrTooManyConnections}, true},
		{"lock wait timeout", fmt.Errorf("update: %w", &mysql.MySQLError{Number: mysqlx.ErrLockWaitTimeout}), true},
		{"statement timeout", &mysql.MySQLError{Number: mysqlx.ErrStatementTimeout}, true},
		{"connection killed", &mysql.MySQLError{Number: mysqlx.ErrConnectionKilled}, true},
		{"invalid connection", fmt.Errorf("select: %w", mysql.ErrInvalidConn), true},
		{"deadline", context.DeadlineExceeded, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := mysqlx.Unavailable(tt.err); got != tt.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
			classified := mysqlx.Classify(tt.err)
			if got := unavailable.Is(classified); got != tt.want {
				t.Errorf("unavailable.Is(Classify(%v)) = %v, want %v", tt.err, got, tt.want)
			}
			if tt.err != nil && !errors.Is(classified, tt.err) {
				t.Errorf("Classify(%v) no longer matches it", tt.err)
			}
		})
	}
}

// TestRefusedIsUnavailable opens a pool to a port nobody listens on: the
// first statement fails fast, as unavailable.
func TestRefusedIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db, err := mysqlx.Open("root@tcp(" + addr + ")/x")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.PingContext(t.Context())
	if !unavailable.Is(err) {
		t.Errorf("ping of a refused port: %v, want it unavailable", err)
	}
}
