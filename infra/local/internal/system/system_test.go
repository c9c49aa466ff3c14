package system

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db:5432/catalog?sslmode=disable", "postgres://app:xxxxx@db:5432/catalog?sslmode=disable"},
		{"mongodb://app:s3cret@db:27017/", "mongodb://app:xxxxx@db:27017/"},
		{"http://127.0.0.1:18000", "http://127.0.0.1:18000"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, dsn := range []string{"app:s3cret@tcp(db:3306)/accounts?tls=true", "mysql://app:s3cret@db:3306/accounts"} {
		got := redactDSN(dsn)
		if strings.Contains(got, "s3cret") || !strings.Contains(got, "xxxxx") || !strings.Contains(got, "db:3306") {
			t.Errorf("redactDSN(%q) = %q, want the password masked and the rest kept", dsn, got)
		}
	}
}

func TestCloseStopsInReverseOrder(t *testing.T) {
	var order []string
	s := &System{}
	for _, name := range []string{"mysql", "postgres", "accounts", "catalog"} {
		s.closers = append(s.closers, func() error {
			order = append(order, name)
			if name == "postgres" {
				return errors.New("postgres would not stop")
			}
			return nil
		})
	}
	err := s.Close()
	if got := strings.Join(order, ","); got != "catalog,accounts,postgres,mysql" {
		t.Errorf("closed %s, want catalog,accounts,postgres,mysql", got)
	}
	if err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Errorf("Close = %v, want the error of postgres", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestContextsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range contexts() {
		if seen[e.name] || len(e.spec) == 0 || e.open == nil {
			t.Errorf("context %q: duplicate, or without spec or open", e.name)
		}
		seen[e.name] = true
	}
	for _, want := range []string{"accounts", "catalog", "orders", "reviews"} {
		if !seen[want] {
			t.Errorf("no %s in contexts()", want)
		}
	}
}

func TestFerretLoggerDropsCommandFailures(t *testing.T) {
	var b strings.Builder
	l := ferretLogger(slog.New(slog.NewTextHandler(&b, nil)))
	l.Info("connection accepted")
	l.Warn("Response header: length: 121, opcode: OP_MSG")
	l.Warn("Response message:\n{\"errmsg\": \"no such command: 'endSessions'\"}")
	l.Warn("something else")
	l.Error("Response message:\n{} (connection closed)")
	out := b.String()
	if strings.Contains(out, "connection accepted") || strings.Contains(out, "endSessions") || strings.Contains(out, "Response header") {
		t.Errorf("info logs or command-failure dumps were kept:\n%s", out)
	}
	if !strings.Contains(out, "something else") || !strings.Contains(out, "connection closed") {
		t.Errorf("other warnings or errors were dropped:\n%s", out)
	}
}
