package system

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

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
