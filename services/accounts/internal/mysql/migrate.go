package mysql

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"

	"example.com/quartet/packages/mysqlx"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the accounts migrations (migrations/*.sql) that the
// database has not seen, in order, recording each in schema_migrations;
// concurrent calls are serialized (see mysqlx.Migrate).
func Migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return mysqlx.Migrate(ctx, db, "accounts", sub)
}
