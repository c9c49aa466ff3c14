// Package mysqlx is what the MySQL adapters of Quartet share on top of
// github.com/go-sql-driver/mysql: DSN parsing with the timeouts, time
// handling and TLS rules they rely on, a connection pool sized for AWS
// Lambda, transactions retried on deadlock, and a migration runner for
// embedded .sql files. The SQL of each store stays in its adapter.
package mysqlx

import (
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Pool and connection settings, sized for AWS Lambda: one request at a time
// per execution environment, environments frozen between invocations for
// minutes, and servers (PlanetScale, RDS Proxy, load balancers) that close
// idle connections.
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
// the settings the stores rely on: times parsed as UTC, DialTimeout,
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
		// url.Error quotes the URL, password included.
		return "", fmt.Errorf("mysql: parse URL: %w", redacted(err))
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

// redacted drops the URL from a url.Error, keeping what went wrong.
func redacted(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Open returns a connection pool for dsn (see ParseDSN) sized for Lambda.
// It does not connect: the first statement does. Tests that race many
// goroutines raise MaxOpenConns with SetMaxOpenConns.
func Open(dsn string) (*sql.DB, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return OpenConfig(cfg)
}

// OpenConfig is Open for a configuration that ParseDSN returned and the
// caller adjusted, for example to set ClientFoundRows.
func OpenConfig(cfg *mysql.Config) (*sql.DB, error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(classifyingConnector{connector})
	db.SetMaxOpenConns(MaxOpenConns)
	db.SetMaxIdleConns(MaxOpenConns)
	db.SetConnMaxLifetime(ConnMaxLifetime)
	db.SetConnMaxIdleTime(ConnMaxIdleTime)
	return db, nil
}

// Redacted returns dsn (see ParseDSN), in the driver's DSN form, with its
// password masked, for logs and banners; "(unparsable DSN)" when it is not
// one.
func Redacted(dsn string) string {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "xxxxx"
	}
	cfg.TLS = nil // FormatDSN keeps the tls parameter's name
	return cfg.FormatDSN()
}
