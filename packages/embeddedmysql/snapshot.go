package embeddedmysql

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// snapshot is the on-disk form of the server's databases: for each, the
// statements that recreate its tables and rows, in order.
type snapshot struct {
	Format    int          `json:"format"`
	Tables    int          `json:"tables"`
	Rows      int          `json:"rows"`
	Databases []snapshotDB `json:"databases"`
}

type snapshotDB struct {
	Name       string   `json:"name"`
	Statements []string `json:"statements"`
}

const snapshotFormat = 1

// rowsPerInsert bounds the rows of one INSERT in a snapshot.
const rowsPerInsert = 200

// Snapshot writes a consistent copy of the databases the server was started
// with to the file of Options.SnapshotPath, atomically (a temporary file,
// synced, then renamed over the old one). It runs as one transaction, so it
// waits for the transaction in progress and no other runs while it reads.
// It does nothing when nothing was written since the last snapshot.
func (s *Server) Snapshot(ctx context.Context) error {
	if s.opts.SnapshotPath == "" {
		return errors.New("embeddedmysql: no SnapshotPath")
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	gen := s.serial.writes.Load()
	if s.snapped && gen == s.snapGen {
		return nil
	}
	snap, err := s.dump(ctx)
	if err != nil {
		return fmt.Errorf("embeddedmysql: snapshot: %w", err)
	}
	if err := writeFileAtomic(s.opts.SnapshotPath, snap); err != nil {
		return fmt.Errorf("embeddedmysql: snapshot: %w", err)
	}
	s.snapped, s.snapGen = true, gen
	return nil
}

// dump reads every table of every database of the server in one
// transaction: the server lock holds from its START TRANSACTION to its
// COMMIT, so the copy is of one moment.
func (s *Server) dump(ctx context.Context) ([]byte, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "COMMIT")

	snap := snapshot{Format: snapshotFormat}
	for _, db := range s.opts.Databases {
		d := snapshotDB{Name: db}
		tables, err := queryStrings(ctx, conn, "SHOW FULL TABLES FROM "+quoteIdent(db)+" WHERE Table_type = 'BASE TABLE'")
		if err != nil {
			return nil, fmt.Errorf("tables of %s: %w", db, err)
		}
		for _, t := range tables {
			table := quoteIdent(db) + "." + quoteIdent(t)
			var name, create string
			if err := conn.QueryRowContext(ctx, "SHOW CREATE TABLE "+table).Scan(&name, &create); err != nil {
				return nil, fmt.Errorf("schema of %s: %w", table, err)
			}
			d.Statements = append(d.Statements, create)
			inserts, n, err := dumpRows(ctx, conn, quoteIdent(t), table)
			if err != nil {
				return nil, fmt.Errorf("rows of %s: %w", table, err)
			}
			d.Statements = append(d.Statements, inserts...)
			snap.Tables++
			snap.Rows += n
		}
		snap.Databases = append(snap.Databases, d)
	}
	return json.MarshalIndent(snap, "", " ")
}

// dumpRows returns INSERT statements (into the unqualified name) that
// recreate the rows of table, with the number of rows.
func dumpRows(ctx context.Context, conn *sql.Conn, name, table string) ([]string, int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT * FROM "+table)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, 0, err
	}
	cols := make([]string, len(types))
	for i, t := range types {
		cols[i] = quoteIdent(t.Name())
	}
	head := "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "
	values := make([]sql.RawBytes, len(types))
	dest := make([]any, len(types))
	for i := range values {
		dest[i] = &values[i]
	}
	var stmts []string
	var b strings.Builder
	n, inBatch := 0, 0
	flush := func() {
		if inBatch > 0 {
			stmts = append(stmts, b.String())
			b.Reset()
			inBatch = 0
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		if inBatch == 0 {
			b.WriteString(head)
		} else {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i, v := range values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(literal(v, types[i].DatabaseTypeName()))
		}
		b.WriteByte(')')
		n++
		if inBatch++; inBatch == rowsPerInsert {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	flush()
	return stmts, n, nil
}

// literal renders a column value of the given database type as SQL: NULL,
// a bare number, a hex literal for binary data, or a quoted string.
func literal(v sql.RawBytes, typ string) string {
	if v == nil {
		return "NULL"
	}
	switch strings.ToUpper(typ) {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE", "YEAR",
		"UNSIGNED TINYINT", "UNSIGNED SMALLINT", "UNSIGNED MEDIUMINT", "UNSIGNED INT", "UNSIGNED BIGINT":
		return string(v)
	case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "BIT", "GEOMETRY":
		return "X'" + hex.EncodeToString(v) + "'"
	}
	return quoteString(string(v))
}

// quoteString quotes s as a MySQL string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0x1a:
			b.WriteString(`\Z`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func queryStrings(ctx context.Context, conn *sql.Conn, q string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		var first string
		vals[0] = &first
		for i := 1; i < len(vals); i++ {
			vals[i] = new(sql.RawBytes)
		}
		if err := rows.Scan(vals...); err != nil {
			return nil, err
		}
		out = append(out, first)
	}
	return out, rows.Err()
}

// restore loads the snapshot at path, if there is one, into the server's
// empty databases. A snapshot that cannot be read or applied is an error,
// never an empty start: the data would be lost at the next snapshot.
func (s *Server) restore(ctx context.Context, path string) (tables, rows int, err error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	var snap snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return 0, 0, fmt.Errorf("%s is not a snapshot: %w", path, err)
	}
	if snap.Format != snapshotFormat {
		return 0, 0, fmt.Errorf("%s has format %d, this server reads %d", path, snap.Format, snapshotFormat)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	for _, d := range snap.Databases {
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(d.Name)); err != nil {
			return 0, 0, err
		}
		if _, err := conn.ExecContext(ctx, "USE "+quoteIdent(d.Name)); err != nil {
			return 0, 0, err
		}
		for _, stmt := range d.Statements {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return 0, 0, fmt.Errorf("restore %s from %s: %.80s…: %w", d.Name, path, stmt, err)
			}
		}
	}
	return snap.Tables, snap.Rows, nil
}

// writeFileAtomic replaces path with data: a reader, or a crash, sees the
// old file or the new one, never a part.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // makes the rename durable where the platform allows
		d.Close()
	}
	return nil
}
