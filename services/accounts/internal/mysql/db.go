// Package mysql implements accounts.Store on MySQL with
// github.com/go-sql-driver/mysql. Its SQL runs unchanged on MySQL 8,
// Vitess (PlanetScale), MariaDB and go-mysql-server: no foreign keys, no
// JSON operators, no utf8mb4_0900_* collations.
//
// Concurrency: profile updates are optimistic (UPDATE … WHERE id = ? AND
// version = ?, read again on a miss); throttle and address changes lock the
// customer's row (SELECT … FOR UPDATE) inside a transaction. Transactions
// that end in a deadlock (1213) or a lock wait timeout (1205) are retried a
// few times.
package mysql

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Pool and connection settings, sized for AWS Lambda: one request at a time
// per execution environment, environments frozen between invocations for
// minutes, and a server (PlanetScale) that closes idle connections.
const (
	MaxOpenConns    = 2
	ConnMaxLifetime = 4 * time.Minute // under PlanetScale's and ALBs' 5-minute cut-offs
	ConnMaxIdleTime = time.Minute
	DialTimeout     = 5 * time.Second
	ReadTimeout     = 10 * time.Second // a hung server fails the request well within API Gateway's 30 s
	WriteTimeout    = 10 * time.Second
)

// ParseDSN reads a go-sql-driver DSN (user:pass@tcp(host:3306)/db?tls=true)
// or a mysql:// URL (mysql://user:pass@host:3306/db?tls=true) and applies
// the settings the store relies on: times parsed as UTC, DialTimeout,
// ReadTimeout and WriteTimeout unless the DSN sets them, and client-side
// parameter interpolation (one round trip per statement).
//
// TLS is whatever the DSN's tls parameter says (true, skip-verify, or the
// name of a config registered with mysql.RegisterTLSConfig), except for
// PlanetScale hosts (*.psdb.cloud), where a verified TLS connection is
// required: it is turned on when the DSN does not mention tls, and any
// weaker setting is an error.
func ParseDSN(dsn string) (*mysql.Config, error) {
	if strings.HasPrefix(dsn, "mysql://") {
		var err error
		if dsn, err = dsnFromURL(dsn); err != nil {
			return nil, err
		}
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql: parse DSN: %w", err)
	}
	cfg.ParseTime, cfg.Loc, cfg.InterpolateParams = true, time.UTC, true
	if cfg.Timeout == 0 {
		cfg.Timeout = DialTimeout
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = ReadTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = WriteTimeout
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		host = cfg.Addr
	}
	if IsPlanetScale(host) {
		switch {
		case cfg.TLSConfig == "":
			cfg.TLS = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		case cfg.TLS == nil || cfg.TLS.InsecureSkipVerify || cfg.AllowFallbackToPlaintext:
			return nil, fmt.Errorf("mysql: %s is a PlanetScale host, which needs verified TLS: use tls=true, not tls=%s", host, cfg.TLSConfig)
		}
	}
	return cfg, nil
}

// IsPlanetScale reports whether host is a PlanetScale endpoint, such as
// aws.connect.psdb.cloud.
func IsPlanetScale(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "psdb.cloud" || strings.HasSuffix(host, ".psdb.cloud")
}

// dsnFromURL turns mysql://user:pass@host:port/db?params into a DSN.
func dsnFromURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("mysql: parse URL: %w", err)
	}
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	dsn := cfg.FormatDSN()
	if u.RawQuery != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + u.RawQuery
	}
	return dsn, nil
}

// Open returns a connection pool for dsn (see ParseDSN) sized for Lambda.
// It does not connect: the first statement does. Tests that race many
// goroutines raise MaxOpenConns with SetMaxOpenConns.
func Open(dsn string) (*sql.DB, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(MaxOpenConns)
	db.SetMaxIdleConns(MaxOpenConns)
	db.SetConnMaxLifetime(ConnMaxLifetime)
	db.SetConnMaxIdleTime(ConnMaxIdleTime)
	return db, nil
}

// MySQL error numbers the store acts on.
const (
	errDuplicateEntry   = 1062
	errLockWaitTimeout  = 1205
	errDeadlock         = 1213
	maxTxAttempts       = 5
	maxOptimisticTries  = 10
	retryBackoffQuantum = 5 * time.Millisecond
)

func errorNumber(err error) uint16 {
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		return me.Number
	}
	return 0
}

func isDuplicate(err error) bool { return errorNumber(err) == errDuplicateEntry }

func isRetryable(err error) bool {
	n := errorNumber(err)
	return n == errDeadlock || n == errLockWaitTimeout
}

// backoff waits a little longer at every attempt, with jitter so that
// colliding transactions do not collide again.
func backoff(ctx context.Context, attempt int) error {
	d := retryBackoffQuantum * time.Duration(attempt+1)
	d += rand.N(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction when it ends in a deadlock or lock wait timeout. fn may run
// more than once.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := tryTx(ctx, db, fn)
		if !isRetryable(err) || attempt+1 == maxTxAttempts {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

func tryTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
