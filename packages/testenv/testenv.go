// Package testenv decides what a test does when a store it needs is not
// there.
//
// Tests find their stores through environment variables (for example
// TEST_POSTGRES_URL). On a developer's machine a missing store skips the
// test, so `go test ./...` works with nothing installed. Under CI=true the
// same test fails instead: CI must never go green because every test that
// mattered was skipped.
package testenv

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// InCI reports whether the tests run in continuous integration, that is
// whether the CI environment variable holds a true value ("true", "1", …).
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Unavailable ends tb because something it needs is missing: it skips tb
// with the formatted reason, or fails it under CI (see InCI).
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("%s (CI=true: a missing store fails the test instead of skipping it)", reason)
		return // reached only with a fake testing.TB
	}
	tb.Skip(reason)
}

// Lookup returns the value of the environment variable name. When it is
// empty, Lookup calls Unavailable, which ends tb, and returns "" only if tb
// is a fake that does not stop the test.
func Lookup(tb testing.TB, name string) string {
	tb.Helper()
	value := os.Getenv(name)
	if value == "" {
		Unavailable(tb, "%s is not set", name)
	}
	return value
}
