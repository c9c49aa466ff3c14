package embeddedmysql_test

import (
	"bytes"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/embeddedmysql"
)

func TestStart(t *testing.T) {
	var logs bytes.Buffer
	s, err := embeddedmysql.Start(embeddedmysql.Options{
		Databases: []string{"shop"},
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Stop()

	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr = %q, want 127.0.0.1:<port>", s.Addr())
	}
	if got, want := s.DSN("shop"), "root@tcp("+s.Addr()+")/shop"; got != want {
		t.Errorf("DSN = %q, want %q", got, want)
	}
	db, err := sql.Open("mysql", s.DSN("shop"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	for _, stmt := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO t VALUES (1, 'x')",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var v string
	if err := db.QueryRowContext(ctx, "SELECT v FROM t WHERE id = 1").Scan(&v); err != nil || v != "x" {
		t.Errorf("SELECT = %q, %v; want x", v, err)
	}
	if strings.Contains(logs.String(), "level=INFO") || strings.Contains(logs.String(), "secure_file_priv") {
		t.Errorf("info logs or the startup advice were forwarded:\n%s", logs.String())
	}
}

func TestStartPortInUse(t *testing.T) {
	first, err := embeddedmysql.Start(embeddedmysql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Stop()
	_, port, _ := net.SplitHostPort(first.Addr())
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	_, err = embeddedmysql.Start(embeddedmysql.Options{Port: n})
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Start on a port in use: %v, want EADDRINUSE", err)
	}
}

func TestStopTwice(t *testing.T) {
	s, err := embeddedmysql.Start(embeddedmysql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}
