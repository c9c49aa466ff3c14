package redact_test

import (
	"strings"
	"testing"

	"example.com/quartet/packages/redact"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"postgres://app:secret@db:5432/app?sslmode=disable": "postgres://app:xxxxx@db:5432/app?sslmode=disable",
		"mongodb://u:secret@h:27017/?authSource=admin":      "mongodb://u:xxxxx@h:27017/?authSource=admin",
		"http://127.0.0.1:8000":                             "http://127.0.0.1:8000",
		"mongodb://u:se%zzcret@h/":                          "(unparsable URL)",
	} {
		got := redact.URL(raw)
		if got != want || strings.Contains(got, "secret") {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}
