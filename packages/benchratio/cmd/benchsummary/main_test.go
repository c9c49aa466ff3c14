package main

import (
	"strings"
	"testing"
)

const output = `goos: linux
pkg: example.com/quartet/services/catalog/internal/httpapi
BenchmarkGetProduct/raw-2         	    5000	    100000 ns/op	     600 B/op	      10 allocs/op
BenchmarkGetProduct/full-2        	    4000	    140000 ns/op	         1.400 full/raw	    9000 B/op	     150 allocs/op
BenchmarkGetProduct/raw#01-2      	    5000	    300000 ns/op	     600 B/op	      10 allocs/op
BenchmarkGetProduct/full#01-2     	    4000	    390000 ns/op	         1.300 full/raw	    9000 B/op	     150 allocs/op
BenchmarkGetProduct/raw#02-2      	    5000	    110000 ns/op	     600 B/op	      10 allocs/op
BenchmarkGetProduct/full#02-2     	    4000	    300000 ns/op	         2.727 full/raw	    9000 B/op	     152 allocs/op
--- BENCH: BenchmarkGetProduct/full#02-2
    benchratio.go:92: a table
PASS
pkg: example.com/quartet/packages/lambdahttp
BenchmarkAdapt/bare      	  900000	      1000 ns/op	    1040 B/op	      10 allocs/op
BenchmarkAdapt/adapted   	  400000	      2500 ns/op	    3096 B/op	      17 allocs/op
`

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(nil, strings.NewReader(output), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want a header and 2 rows:\n%s", len(lines), out.String())
	}
	// Medians: raw 110 µs, full 300 µs; ratios 1.4, 1.3, 2.73 -> 1.40.
	for _, want := range []string{"services/catalog/internal/httpapi", "GetProduct", "110.0", "300.0", "1.40", "+190.0", "+140", "3", "met (ratio ≤ 1.5)"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("catalog row %q lacks %q", lines[1], want)
		}
	}
	for _, want := range []string{"packages/lambdahttp", "Adapt", "+1.5", "+7", "met (+µs ≤ 3, +allocs ≤ 40)"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("adapter row %q lacks %q", lines[2], want)
		}
	}
}

func TestRunMissedGoal(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-max-ratio", "1.2"}, strings.NewReader(output), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "MISSED (ratio ≤ 1.2)") {
		t.Errorf("output does not report the missed goal:\n%s", out.String())
	}
}

func TestRunNoBenchmarks(t *testing.T) {
	if err := run(nil, strings.NewReader("PASS\n"), &strings.Builder{}); err == nil {
		t.Error("run without results: nil error, want one")
	}
}
