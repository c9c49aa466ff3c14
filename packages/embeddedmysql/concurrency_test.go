package embeddedmysql_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/embeddedmysql"
)

func start(t *testing.T, opts embeddedmysql.Options) (*embeddedmysql.Server, *sql.DB) {
	t.Helper()
	if opts.Databases == nil {
		opts.Databases = []string{"shop"}
	}
	s, err := embeddedmysql.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	db := open(t, s)
	return s, db
}

func open(t *testing.T, s *embeddedmysql.Server) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", s.DSN("shop")+"?parseTime=true")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(32)
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestConcurrentInsertsAreKept is the case go-mysql-server failed on its
// own: concurrent clients inserting rows, some of which were acknowledged
// and gone.
func TestConcurrentInsertsAreKept(t *testing.T) {
	_, db := start(t, embeddedmysql.Options{})
	exec(t, db, "CREATE TABLE signups (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, UNIQUE KEY (email))")
	const workers, each = 8, 40
	var acked atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := w*each + i
				if _, err := db.ExecContext(t.Context(), "INSERT INTO signups VALUES (?, ?)", id, fmt.Sprintf("u%d@example.com", id)); err != nil {
					t.Errorf("insert %d: %v", id, err)
					continue
				}
				acked.Add(1)
			}
		})
	}
	wg.Wait()
	var n int64
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM signups").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != acked.Load() || n != workers*each {
		t.Errorf("%d rows after %d acknowledged inserts, want %d", n, acked.Load(), workers*each)
	}
}

// TestConcurrentOptimisticUpdates: 20 transactions read a row at version 1
// and update it WHERE version = 1; exactly one may change it.
func TestConcurrentOptimisticUpdates(t *testing.T) {
	_, db := start(t, embeddedmysql.Options{})
	exec(t, db, "CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(20), version BIGINT NOT NULL)",
		"INSERT INTO accounts VALUES (1, 'start', 1)")
	const workers = 20
	var won atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			<-start
			res, err := db.ExecContext(t.Context(), "UPDATE accounts SET name = ?, version = version + 1 WHERE id = 1 AND version = 1", fmt.Sprint("w", w))
			if err != nil {
				t.Errorf("update: %v", err)
				return
			}
			if n, _ := res.RowsAffected(); n == 1 {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	var version int64
	if err := db.QueryRowContext(t.Context(), "SELECT version FROM accounts WHERE id = 1").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if won.Load() != 1 || version != 2 {
		t.Errorf("%d updates won and the version is %d, want 1 and 2", won.Load(), version)
	}
}

// TestTransactionsRunAlone: read-count-insert transactions that allow ten
// rows, run by 20 clients at once, leave exactly ten.
func TestTransactionsRunAlone(t *testing.T) {
	_, db := start(t, embeddedmysql.Options{})
	exec(t, db, "CREATE TABLE book (id INT PRIMARY KEY)")
	const workers, limit = 20, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			tx, err := db.BeginTx(t.Context(), nil)
			if err != nil {
				t.Errorf("begin: %v", err)
				return
			}
			defer tx.Rollback()
			var n int
			if err := tx.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM book").Scan(&n); err != nil {
				t.Errorf("count: %v", err)
				return
			}
			if n >= limit {
				return
			}
			time.Sleep(time.Millisecond) // widen the window a racing engine would lose in
			if _, err := tx.ExecContext(t.Context(), "INSERT INTO book VALUES (?)", w); err != nil {
				t.Errorf("insert: %v", err)
				return
			}
			if err := tx.Commit(); err != nil {
				t.Errorf("commit: %v", err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM book").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != limit {
		t.Errorf("%d rows, want %d", n, limit)
	}
}

// TestLockWaitTimeout: a statement behind a transaction that does not end
// fails with MySQL's 1205 after LockWait, and runs once that connection
// closes.
func TestLockWaitTimeout(t *testing.T) {
	s, db := start(t, embeddedmysql.Options{LockWait: 200 * time.Millisecond})
	exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY)")
	holder := open(t, s)
	conn, err := holder.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "START TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(t.Context(), "INSERT INTO t VALUES (1)")
	if me, ok := errors.AsType[*mysql.MySQLError](err); !ok || me.Number != 1205 {
		t.Fatalf("insert behind an open transaction: %v, want error 1205", err)
	}
	conn.Raw(func(any) error { return driverBadConn })
	conn.Close()
	holder.Close() // the server sees the connection close and releases the lock
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)"); err == nil {
			break
		} else if ctx.Err() != nil {
			t.Fatalf("insert after the holder left: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSnapshotRestore writes rows of every type the contexts use, stops
// the server (which snapshots), starts another on the same file and finds
// them, schema and indexes included.
func TestSnapshotRestore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.snapshot.json")
	opts := embeddedmysql.Options{SnapshotPath: path, SnapshotEvery: time.Hour}
	s, db := start(t, opts)
	exec(t, db,
		"CREATE TABLE c (id CHAR(36) NOT NULL, email VARCHAR(254) NOT NULL, n BIGINT NOT NULL, at DATETIME(6) NULL, raw VARBINARY(16), PRIMARY KEY (id), UNIQUE KEY c_email (email))",
	)
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	weird := "O'Brien \\ \"quoted\"\n\x00 — ünïcode"
	if _, err := db.ExecContext(t.Context(), "INSERT INTO c VALUES (?, ?, ?, ?, ?), (?, ?, ?, NULL, NULL)",
		"a", weird, -42, at, []byte{0, 1, 0xff, '\''}, "b", "b@example.com", 7); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	_, db = start(t, opts)
	var email string
	var n int64
	var gotAt sql.NullTime
	var raw []byte
	if err := db.QueryRowContext(t.Context(), "SELECT email, n, at, raw FROM c WHERE id = 'a'").Scan(&email, &n, &gotAt, &raw); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if email != weird || n != -42 || !gotAt.Time.Equal(at) || string(raw) != "\x00\x01\xff'" {
		t.Errorf("after a restart: %q %d %v %q", email, n, gotAt.Time, raw)
	}
	if err := db.QueryRowContext(t.Context(), "SELECT at FROM c WHERE id = 'b'").Scan(&gotAt); err != nil || gotAt.Valid {
		t.Errorf("NULL after a restart: %v %v", gotAt, err)
	}
	_, err := db.ExecContext(t.Context(), "INSERT INTO c (id, email, n) VALUES ('c', 'b@example.com', 1)")
	if me, ok := errors.AsType[*mysql.MySQLError](err); !ok || me.Number != 1062 {
		t.Errorf("duplicate email after a restart: %v, want error 1062 (the unique key was restored)", err)
	}
}

// TestPeriodicSnapshot: a killed process loses at most SnapshotEvery of
// writes; here the periodic snapshot has the row before any Stop.
func TestPeriodicSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	s, db := start(t, embeddedmysql.Options{SnapshotPath: path, SnapshotEvery: 50 * time.Millisecond})
	exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (7)")
	time.Sleep(300 * time.Millisecond) // several intervals
	// A second server on a copy of the file, while the first runs: what a
	// restart after kill -9 would find.
	copyPath := filepath.Join(t.TempDir(), "copy.json")
	copyFile(t, path, copyPath)
	_, db2 := start(t, embeddedmysql.Options{SnapshotPath: copyPath, SnapshotEvery: time.Hour})
	var id int
	if err := db2.QueryRowContext(t.Context(), "SELECT id FROM t").Scan(&id); err != nil || id != 7 {
		t.Errorf("the periodic snapshot: id %d, %v; want 7", id, err)
	}
	_ = s
}

var driverBadConn = driver.ErrBadConn

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
