// Package mysql implements catalog.Store on MySQL (RDS MySQL, Aurora MySQL)
// and MariaDB with github.com/go-sql-driver/mysql. Its SQL runs unchanged
// on MySQL 8.0.16 and later and on MariaDB 10.2 and later: no JSON
// operators, no utf8mb4_0900_* collations.
//
// The schema lives in migrations/, embedded in the binary and applied by
// Migrate, an explicit step that never runs on a Lambda cold start. Unlike
// the accounts adapter (PlanetScale), it uses a foreign key from products
// to categories: RDS and Aurora enforce them.
//
// Concurrency: UpdateProduct locks the product's row (SELECT … FOR UPDATE)
// for the read-modify-write and retries the transaction a few times when
// it ends in a deadlock (1213) or a lock wait timeout (1205).
package mysql

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/mysqlx"
)

// Open returns a connection pool for dsn, a go-sql-driver DSN
// (user:pass@tcp(host:3306)/catalog?tls=true) or a mysql:// URL, sized and
// timed for Lambda by mysqlx: at most 2 connections, 5 s to connect, 10 s
// to read or write. Times are read and written in UTC, to the microsecond.
// It does not connect: the first statement does.
//
// With a password function, each new connection gets its password from it
// (an IAM authentication token for RDS Proxy) instead of the DSN; the DSN
// must then allow cleartext passwords over TLS, as RDS IAM auth requires.
func Open(dsn string, password ...PasswordFunc) (*sql.DB, error) {
	cfg, err := mysqlx.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	for _, pw := range password {
		if !cfg.AllowCleartextPasswords || cfg.TLS == nil {
			return nil, fmt.Errorf("mysql: a token password needs tls=true and allowCleartextPasswords=true in the DSN")
		}
		if err := cfg.Apply(driver.BeforeConnect(func(ctx context.Context, c *driver.Config) error {
			host, port, err := net.SplitHostPort(c.Addr)
			if err != nil {
				return fmt.Errorf("mysql password: address %q: %w", c.Addr, err)
			}
			n, err := strconv.Atoi(port)
			if err != nil {
				return fmt.Errorf("mysql password: port %q: %w", port, err)
			}
			if c.Passwd, err = pw(ctx, host, n, c.User); err != nil {
				return fmt.Errorf("mysql password: %w", err)
			}
			return nil
		})); err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
	}
	// UPDATE reports the rows it matched, not only those it changed, so
	// that saving an unchanged product is not mistaken for a lost race.
	cfg.ClientFoundRows = true
	// MySQL rounds extra fractional digits and MariaDB truncates them:
	// truncate in the driver so that both store the same instant.
	if err := cfg.Apply(driver.TimeTruncate(time.Microsecond)); err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	return mysqlx.OpenConfig(cfg)
}

// PasswordFunc returns the password with which user connects to host:port.
type PasswordFunc func(ctx context.Context, host string, port int, user string) (string, error)

// migrations holds the schema changes, applied in the order of their file
// names (001_name.sql, 002_name.sql, …).
//
//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the database's schema up to date. Concurrent calls, in any
// number of processes, wait for each other (GET_LOCK); calling Migrate on
// an up-to-date database changes nothing. Once the outbox exists, Migrate
// writes a ProductCreated event for every product that existed before it,
// once (see backfill).
func Migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	if err := mysqlx.Migrate(ctx, db, "catalog", sub); err != nil {
		return err
	}
	if err := backfill(ctx, db); err != nil {
		return fmt.Errorf("mysql: backfill ProductCreated events: %w", err)
	}
	return nil
}
