package mysql

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockTimeout bounds the wait for a migration running elsewhere.
const lockTimeout = 60 // seconds

// Migrate applies the migrations in migrations/ that the database has not
// seen, in order, recording each in schema_migrations. Migrations are
// numbered files (001_customers.sql), each holding statements ended by a
// semicolon at the end of a line. MySQL commits DDL immediately, so keep
// one statement per file: a migration that fails half-way is not rolled
// back.
//
// Concurrent Migrate calls on one database are serialized with GET_LOCK,
// a named lock held by Migrate's connection.
func Migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()

	var got sql.NullInt64
	const lock = `SELECT GET_LOCK(CONCAT('accounts_migrate:', DATABASE()), ?)`
	if err := conn.QueryRowContext(ctx, lock, lockTimeout).Scan(&got); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if got.Int64 != 1 {
		return fmt.Errorf("migrate: another migration held the lock for %d s", lockTimeout)
	}
	defer func() {
		const unlock = `SELECT RELEASE_LOCK(CONCAT('accounts_migrate:', DATABASE()))`
		_ = conn.QueryRowContext(context.WithoutCancel(ctx), unlock).Scan(&got)
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
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	for _, file := range files { // fs.Glob sorts by name
		name := path.Base(file)
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: %s: name must start with a number", name)
		}
		if applied[version] {
			continue
		}
		text, err := migrations.ReadFile(file)
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
