package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations holds the schema changes, applied in the order of their file
// names (0001_name.sql, 0002_name.sql, …). A migration, once released, is
// never edited: change the schema with a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the key of the advisory lock that serializes Migrate
// across processes. Advisory locks are per database, so it only has to be
// unique among the locks taken on the catalog's database.
const migrateLock int64 = 0x636174616c6f67 // "catalog"

// Migrate applies the migrations that the database has not applied yet,
// each in a transaction of its own that also records it in the
// schema_migrations table. Concurrent calls, in any number of processes,
// wait for each other; calling Migrate on an up-to-date database changes
// nothing. Once the outbox exists, Migrate writes a ProductCreated event
// for every product that existed before it, once (see backfill).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("postgres: migrations: %w", err)
		}
		version := path.Base(name)
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return migrate(ctx, tx, version, string(sql)) }); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", version, err)
		}
	}
	if err := backfill(ctx, pool); err != nil {
		return fmt.Errorf("postgres: backfill ProductCreated events: %w", err)
	}
	return nil
}

// migrate applies one migration in tx unless it was applied before.
func migrate(ctx context.Context, tx pgx.Tx, version, sql string) error {
	// Migrations may take longer than the pool's limits, which are sized for
	// requests; a Migrate waiting for another gives up after a minute.
	const limits = `SET LOCAL statement_timeout = '10min'; SET LOCAL lock_timeout = '1min'`
	if _, err := tx.Exec(ctx, limits); err != nil {
		return err
	}
	const lock = `SELECT pg_advisory_xact_lock($1)`
	if _, err := tx.Exec(ctx, lock, migrateLock); err != nil {
		return err
	}
	const table = `
		CREATE TABLE IF NOT EXISTS schema_migrations (
			version    text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`
	if _, err := tx.Exec(ctx, table); err != nil {
		return err
	}
	const applied = `SELECT EXISTS (SELECT FROM schema_migrations WHERE version = $1)`
	var done bool
	if err := tx.QueryRow(ctx, applied, version).Scan(&done); err != nil || done {
		return err
	}
	// Without arguments, Exec sends sql as one simple query, so a migration
	// may hold several statements.
	if _, err := tx.Exec(ctx, sql); err != nil {
		return err
	}
	const record = `INSERT INTO schema_migrations (version) VALUES ($1)`
	_, err := tx.Exec(ctx, record, version)
	return err
}
