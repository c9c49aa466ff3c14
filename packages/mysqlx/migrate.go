package mysqlx

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// lockTimeout bounds the wait for a migration running elsewhere.
const lockTimeout = 60 // seconds

// Migrate applies the migrations of fsys that the database has not seen,
// in order, recording each in the schema_migrations table. Migrations are
// the numbered .sql files at the root of fsys (001_customers.sql, …), each
// holding statements ended by a semicolon at the end of a line; lines
// starting with -- are comments. A migration, once released, is never
// edited: change the schema with a new file.
//
// MySQL commits DDL immediately, so a migration that fails half-way is not
// rolled back: keep one statement per file, or make each statement
// idempotent (CREATE TABLE IF NOT EXISTS).
//
// Concurrent Migrate calls on one database, in any number of processes,
// are serialized with GET_LOCK on the name "<service>_migrate:<database>",
// held by Migrate's connection; calling Migrate on an up-to-date database
// changes nothing.
func Migrate(ctx context.Context, db *sql.DB, service string, fsys fs.FS) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()

	var got sql.NullInt64
	lockName := service + "_migrate:"
	const lock = `SELECT GET_LOCK(CONCAT(?, DATABASE()), ?)`
	if err := conn.QueryRowContext(ctx, lock, lockName, lockTimeout).Scan(&got); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if got.Int64 != 1 {
		return fmt.Errorf("migrate: another migration held the lock for %d s", lockTimeout)
	}
	defer func() {
		const unlock = `SELECT RELEASE_LOCK(CONCAT(?, DATABASE()))`
		_ = conn.QueryRowContext(context.WithoutCancel(ctx), unlock, lockName).Scan(&got)
	}()

	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INT          NOT NULL,
  name       VARCHAR(255) NOT NULL,
  applied_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return err
	}
	for _, name := range files { // fs.Glob sorts by name
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: %s: name must start with a number", name)
		}
		if applied[version] {
			continue
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		for _, stmt := range statements(string(text)) {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate: %s: %w", name, err)
			}
		}
		const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
		if _, err := conn.ExecContext(ctx, record, version, name, time.Now().UTC()); err != nil {
			return fmt.Errorf("migrate: %s: %w", name, err)
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, conn *sql.Conn) (map[int]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer rows.Close()
	applied := make(map[int]bool)
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// statements splits a migration into statements: each ends with a
// semicolon at the end of a line. Lines starting with -- are comments.
func statements(text string) []string {
	var out []string
	var stmt strings.Builder
	for line := range strings.Lines(text) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		stmt.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSuffix(strings.TrimSpace(stmt.String()), ";"); s != "" {
				out = append(out, s)
			}
			stmt.Reset()
		}
	}
	if s := strings.TrimSpace(stmt.String()); s != "" {
		out = append(out, s)
	}
	return out
}
