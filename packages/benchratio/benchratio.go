// Package benchratio compares ways of doing one operation, measured in the
// same process one after the other, so that their ratios hold across
// machines even when their absolute times do not.
//
//	func BenchmarkGetProduct(b *testing.B) {
//		// ... setup, failing b on error ...
//		benchratio.Run(b,
//			benchratio.Case{Name: "raw", Op: func() error { return queryRow(ctx, id) }},
//			benchratio.Case{Name: "direct", Op: func() error { return serveHTTP(id) }},
//			benchratio.Case{Name: "full", Op: func() error { return invokeLambda(ctx, id) }},
//		)
//	}
//
// Run measures each case as a sub-benchmark (b.Run), so each gets the
// usual line of ns/op, B/op and allocs/op, and every case after the first
// also reports its time as a ratio to the first case's ("full/raw"), which
// benchstat can compare across runs. After the last case it logs a table:
//
//	case         ns/op     µs/op  allocs/op       B/op    ×raw    +µs/op  +allocs/op
//	raw          40000      40.0         12       1024    1.00
//	direct       55000      55.0        110       9000    1.38     +15.0         +98
//	full         70000      70.0        150      20480    1.75     +15.0         +40
//
// The last two columns are each case's cost over the case before it, so
// cases listed from the innermost layer outwards show what each layer adds.
// With -count n the testing package runs each case n times before the
// next; ratios and the table use the latest run of each case, and the
// table is logged after every run of the last case. Compare runs with
// benchstat rather than trusting one: the cases run one after another, so
// noise on the machine during one case skews its ratios.
//
// The cases are sub-benchmarks rather than testing.Benchmark calls because
// testing.Benchmark cannot run inside a running benchmark: both take the
// testing package's benchmark lock.
package benchratio

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode"
)

// Case is one way of doing the operation.
type Case struct {
	// Name names the sub-benchmark and the ratio unit ("full/raw"), so it
	// must be non-empty and without spaces.
	Name string
	// Op does the operation once. An error fails the benchmark.
	Op func() error
}

// Result is the measurement of one case.
type Result struct {
	Name        string
	N           int     // iterations measured
	NsPerOp     float64 // time per operation
	AllocsPerOp int64   // heap allocations per operation
	BytesPerOp  int64   // bytes allocated per operation
}

// Run measures every case in order and returns the results of those that
// -bench selected, or nil if it selected none. It fails b if a case's name is not valid
// or its Op returns an error.
func Run(b *testing.B, cases ...Case) []Result {
	b.Helper()
	if len(cases) == 0 {
		b.Fatal("benchratio: no cases")
	}
	for _, c := range cases {
		if c.Name == "" || strings.IndexFunc(c.Name, unicode.IsSpace) >= 0 {
			b.Fatalf("benchratio: case name %q must be non-empty and without spaces", c.Name)
		}
	}

	// results[i] is the latest measurement of cases[i]: with -count, the
	// testing package runs each case that many times before the next.
	results := make([]Result, len(cases))
	for i, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			b.ReportAllocs()
			r, err := measure(b, c)
			if err != nil {
				b.Fatalf("%s: %v", c.Name, err)
			}
			results[i] = r
			if base := results[0]; i > 0 && base.N > 0 {
				b.ReportMetric(r.NsPerOp/base.NsPerOp, c.Name+"/"+base.Name)
			}
			if i == len(cases)-1 {
				b.Log("\n" + table(measured(results)))
			}
		})
	}
	return measured(results)
}

// measure runs c.Op in b's loop and returns its cost per operation.
func measure(b *testing.B, c Case) (Result, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if err := c.Op(); err != nil {
			return Result{}, err
		}
	}
	runtime.ReadMemStats(&after)
	n := int64(b.N)
	return Result{
		Name:        c.Name,
		N:           b.N,
		NsPerOp:     float64(b.Elapsed().Nanoseconds()) / float64(n),
		AllocsPerOp: int64(after.Mallocs-before.Mallocs) / n,
		BytesPerOp:  int64(after.TotalAlloc-before.TotalAlloc) / n,
	}, nil
}

// measured returns the results of the cases that ran.
func measured(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.N > 0 {
			out = append(out, r)
		}
	}
	return out
}

// table formats results, one row per case: its cost per operation, its
// time as a ratio to the first case's, and its cost over the case before.
func table(results []Result) string {
	width := len("case")
	for _, r := range results {
		width = max(width, len(r.Name))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-*s  %10s  %8s  %9s  %9s  %6s  %8s  %10s\n", width,
		"case", "ns/op", "µs/op", "allocs/op", "B/op", "×"+results[0].Name, "+µs/op", "+allocs/op")
	for i, r := range results {
		fmt.Fprintf(&sb, "%-*s  %10.0f  %8.1f  %9d  %9d  %6.2f", width,
			r.Name, r.NsPerOp, r.NsPerOp/1e3, r.AllocsPerOp, r.BytesPerOp, r.NsPerOp/results[0].NsPerOp)
		if i > 0 {
			prev := results[i-1]
			fmt.Fprintf(&sb, "  %+8.1f  %+10d", (r.NsPerOp-prev.NsPerOp)/1e3, r.AllocsPerOp-prev.AllocsPerOp)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
