package testenv_test

import (
	"fmt"
	"strings"
	"testing"

	"example.com/quartet/packages/testenv"
)

// recorder is a testing.TB that records how it was ended instead of ending
// the test, so the behaviour of testenv itself can be checked.
type recorder struct {
	testing.TB // nil: calling any method not overridden below panics
	skipped    string
	fatal      string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestInCI(t *testing.T) {
	tests := []struct {
		ci   string
		want bool
	}{
		{ci: "", want: false},
		{ci: "false", want: false},
		{ci: "garbage", want: false},
		{ci: "true", want: true},
		{ci: "1", want: true},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.ci)
		if got := testenv.InCI(); got != tt.want {
			t.Errorf("CI=%q: InCI() = %v, want %v", tt.ci, got, tt.want)
		}
	}
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name      string
		ci        string
		wantSkip  bool
		wantFatal bool
	}{
		{name: "local skips", ci: "", wantSkip: true},
		{name: "CI fails", ci: "true", wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			var r recorder
			testenv.Unavailable(&r, "no %s here", "postgres")

			if got := r.skipped != ""; got != tt.wantSkip {
				t.Errorf("skipped = %v (%q), want %v", got, r.skipped, tt.wantSkip)
			}
			if got := r.fatal != ""; got != tt.wantFatal {
				t.Errorf("failed = %v (%q), want %v", got, r.fatal, tt.wantFatal)
			}
			if reason := r.skipped + r.fatal; !strings.Contains(reason, "no postgres here") {
				t.Errorf("reason = %q, want it to contain %q", reason, "no postgres here")
			}
		})
	}
}

func TestLookup(t *testing.T) {
	const name = "TESTENV_TEST_STORE_URL"

	t.Run("set", func(t *testing.T) {
		t.Setenv("CI", "true")
		t.Setenv(name, "postgres://example")
		var r recorder
		if got, want := testenv.Lookup(&r, name), "postgres://example"; got != want {
			t.Errorf("Lookup = %q, want %q", got, want)
		}
		if r.skipped != "" || r.fatal != "" {
			t.Errorf("Lookup ended the test (skip %q, fatal %q), want it to continue", r.skipped, r.fatal)
		}
	})

	t.Run("missing locally", func(t *testing.T) {
		t.Setenv("CI", "")
		t.Setenv(name, "")
		var r recorder
		if got := testenv.Lookup(&r, name); got != "" {
			t.Errorf("Lookup = %q, want empty", got)
		}
		if !strings.Contains(r.skipped, name) || r.fatal != "" {
			t.Errorf("skip %q, fatal %q; want a skip naming %s", r.skipped, r.fatal, name)
		}
	})

	t.Run("missing in CI", func(t *testing.T) {
		t.Setenv("CI", "true")
		t.Setenv(name, "")
		var r recorder
		testenv.Lookup(&r, name)
		if !strings.Contains(r.fatal, name) || r.skipped != "" {
			t.Errorf("skip %q, fatal %q; want a failure naming %s", r.skipped, r.fatal, name)
		}
	})
}
