// Package postgres implements catalog.Store on PostgreSQL with pgx.
//
// The schema lives in migrations/, embedded in the binary and applied by
// Migrate, an explicit step that never runs on a Lambda cold start.
package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Pool defaults for AWS Lambda, where an execution environment serves one
// request at a time and a hung database must fail the request quickly
// rather than hold it until the function times out.
const (
	defaultMaxConns       = 2
	defaultConnectTimeout = 5 * time.Second
	// Server-side limits, in milliseconds, as the server's settings take them.
	defaultStatementTimeout = "5000"
	defaultLockTimeout      = "2000"
)

// NewPool returns a pool of connections to the database at dsn (a
// postgres:// URL or key=value string), sized and timed for Lambda: at most
// 2 connections, 5 s to connect, and statements that the server cancels
// after 5 s or after waiting 2 s for a lock. The DSN overrides each of
// these with pool_max_conns, connect_timeout (in seconds),
// statement_timeout and lock_timeout (in milliseconds).
//
// Connections are opened on first use, so NewPool does not contact the
// server; call Ping on the pool to check it.
//
// With WithPassword, each new connection gets its password from a function
// (an IAM authentication token for RDS Proxy) instead of the DSN.
func NewPool(ctx context.Context, dsn string, opts ...Option) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password from parse errors.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// ParseConfig defaults MaxConns to the number of CPUs, and has no way
	// to tell that default from a pool_max_conns in the DSN.
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	params := cfg.ConnConfig.RuntimeParams
	if _, ok := params["statement_timeout"]; !ok {
		params["statement_timeout"] = defaultStatementTimeout
	}
	if _, ok := params["lock_timeout"]; !ok {
		params["lock_timeout"] = defaultLockTimeout
	}
	for _, opt := range opts {
		opt(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return pool, nil
}

// Option changes how NewPool connects.
type Option func(*pgxpool.Config)

// PasswordFunc returns the password with which user connects to host:port.
type PasswordFunc func(ctx context.Context, host string, port int, user string) (string, error)

// WithPassword makes every new connection ask password for its password
// just before it connects: RDS IAM tokens live 15 minutes, connections
// longer.
func WithPassword(password PasswordFunc) Option {
	return func(cfg *pgxpool.Config) {
		cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
			pw, err := password(ctx, cc.Host, int(cc.Port), cc.User)
			if err != nil {
				return fmt.Errorf("postgres password: %w", err)
			}
			cc.Password = pw
			return nil
		}
	}
}
