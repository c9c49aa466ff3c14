package mysql_test

import (
	"sync"
	"testing"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/services/accounts/internal/mysql"
)

func TestParseDSN(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		wantTLS   bool
		wantErr   bool
	}{
		{"local without TLS", "root@tcp(127.0.0.1:3306)/accounts", false, false},
		{"local with TLS", "root@tcp(db.internal:3306)/accounts?tls=true", true, false},
		{"PlanetScale gets TLS", "u:p@tcp(aws.connect.psdb.cloud:3306)/accounts", true, false},
		{"PlanetScale URL", "mysql://u:p@aws.connect.psdb.cloud/accounts", true, false},
		{"PlanetScale without verification", "u:p@tcp(aws.connect.psdb.cloud)/accounts?tls=skip-verify", false, true},
		{"PlanetScale TLS off", "u:p@tcp(eu-west.connect.psdb.cloud)/accounts?tls=false", false, true},
		{"not a DSN", "root@127.0.0.1/x?", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := mysql.ParseDSN(tt.dsn)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDSN(%q): err %v, want error %v", tt.dsn, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if gotTLS := cfg.TLS != nil && !cfg.TLS.InsecureSkipVerify; gotTLS != tt.wantTLS {
				t.Errorf("verified TLS %v, want %v", gotTLS, tt.wantTLS)
			}
			if !cfg.ParseTime || cfg.Timeout != mysql.DialTimeout || cfg.ReadTimeout != mysql.ReadTimeout || cfg.WriteTimeout != mysql.WriteTimeout {
				t.Errorf("ParseTime %v, timeouts %v/%v/%v; want parsed times and the default timeouts",
					cfg.ParseTime, cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout)
			}
		})
	}
}

// TestMigrateConcurrently checks that migrations run once however many
// Migrate calls race, and that running them again changes nothing.
func TestMigrateConcurrently(t *testing.T) {
	dsn := mysqltest.External(t)
	db, err := mysql.Open(dsn)
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
