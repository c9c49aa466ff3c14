package system

import (
	"errors"
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
