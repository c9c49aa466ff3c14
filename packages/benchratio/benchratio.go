// Package benchratio compares ways of doing one operation, measured in the
// same process in interleaved rounds, so that their ratios hold across
// machines even when their absolute times do not, and noise on a shared
// machine falls on every case alike.
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
// also reports its time as a ratio to the first case's in the same round
// ("full/raw"). It does so in rounds (Rounds, or $BENCHRATIO_ROUNDS): raw,
// direct, full, then raw#01, direct#01, full#01, and so on, each for
// -benchtime, so a burst of load on the machine skews one round rather than
// one case. After the last round it logs the median of every case over the
// rounds:
//
//	case         ns/op     µs/op  allocs/op       B/op    ×raw    +µs/op  +allocs/op
//	raw          40000      40.0         12       1024    1.00
//	direct       55000      55.0        110       9000    1.38     +15.0         +98
//	full         70000      70.0        150      20480    1.75     +15.0         +40
//
// The ratio column is the median of the rounds' own ratios; the last two
// columns are each case's cost over the case before it, so cases listed
// from the innermost layer outwards show what each layer adds. Command
// benchsummary (in this module) reads the output of several benchmarks and
// prints the same medians, one row per benchmark.
//
// The cases are sub-benchmarks rather than testing.Benchmark calls because
// testing.Benchmark cannot run inside a running benchmark: both take the
// testing package's benchmark lock.
package benchratio

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Rounds is how many times Run measures each case when $BENCHRATIO_ROUNDS
// does not say.
const Rounds = 5

// RoundsEnv names the environment variable that overrides Rounds.
const RoundsEnv = "BENCHRATIO_ROUNDS"

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

// Run measures every case in interleaved rounds and returns, per case, the
// median of its rounds, for the cases -bench selected (nil if none). It
// fails b if a case's name is not valid, if $BENCHRATIO_ROUNDS is not a
// positive number, or if a case's Op returns an error.
func Run(b *testing.B, cases ...Case) []Result {
	b.Helper()
	if len(cases) == 0 {
		b.Fatal("benchratio: no cases")
	}
	for _, c := range cases {
		if c.Name == "" || strings.IndexFunc(c.Name, unicode.IsSpace) >= 0 || strings.Contains(c.Name, "#") {
			b.Fatalf("benchratio: case name %q must be non-empty and without spaces or #", c.Name)
		}
	}
	rounds := Rounds
	if v := os.Getenv(RoundsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("benchratio: $%s = %q, want a positive number", RoundsEnv, v)
		}
		rounds = n
	}

	// results[r][i] is round r's measurement of cases[i].
	results := make([][]Result, rounds)
	for r := range results {
		results[r] = make([]Result, len(cases))
		for i, c := range cases {
			ok := b.Run(c.Name, func(b *testing.B) {
				b.ReportAllocs()
				m, err := measure(b, c)
				if err != nil {
					b.Fatalf("%s: %v", c.Name, err)
				}
				results[r][i] = m
				if base := results[r][0]; i > 0 && base.N > 0 {
					b.ReportMetric(m.NsPerOp/base.NsPerOp, c.Name+"/"+base.Name)
				}
			})
			if !ok {
				return nil
			}
		}
	}
	med := Medians(results)
	if len(med) > 0 {
		b.Log("\n" + table(med, medianRatios(results)))
	}
	return med
}

// Medians returns, for every case measured in all rounds, the median of
// its time, allocations and bytes per operation over the rounds.
// rounds[r][i] is round r's measurement of case i.
func Medians(rounds [][]Result) []Result {
	if len(rounds) == 0 {
		return nil
	}
	var out []Result
	for i := range rounds[0] {
		var ns, allocs, bytes []float64
		n := 0
		for _, round := range rounds {
			if i >= len(round) || round[i].N == 0 {
				continue
			}
			ns, allocs, bytes = append(ns, round[i].NsPerOp), append(allocs, float64(round[i].AllocsPerOp)), append(bytes, float64(round[i].BytesPerOp))
			n += round[i].N
		}
		if len(ns) < len(rounds) {
			continue
		}
		out = append(out, Result{
			Name: rounds[0][i].Name, N: n, NsPerOp: median(ns),
			AllocsPerOp: int64(median(allocs) + 0.5), BytesPerOp: int64(median(bytes) + 0.5),
		})
	}
	return out
}

// medianRatios returns, for every case measured in all rounds, the median
// over the rounds of its time divided by the first case's in that round.
func medianRatios(rounds [][]Result) []float64 {
	var out []float64
	for i := range rounds[0] {
		var ratios []float64
		for _, round := range rounds {
			if round[i].N > 0 && round[0].N > 0 {
				ratios = append(ratios, round[i].NsPerOp/round[0].NsPerOp)
			}
		}
		if len(ratios) == len(rounds) {
			out = append(out, median(ratios))
		}
	}
	return out
}

// median returns the median of xs, which must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
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

// table formats results, one row per case: its cost per operation, its
// time as a ratio to the first case's (ratios[i], or computed from the
// results if ratios is short), and its cost over the case before.
func table(results []Result, ratios []float64) string {
	width := len("case")
	for _, r := range results {
		width = max(width, len(r.Name))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-*s  %10s  %8s  %9s  %9s  %6s  %8s  %10s\n", width,
		"case", "ns/op", "µs/op", "allocs/op", "B/op", "×"+results[0].Name, "+µs/op", "+allocs/op")
	for i, r := range results {
		ratio := r.NsPerOp / results[0].NsPerOp
		if i < len(ratios) {
			ratio = ratios[i]
		}
		fmt.Fprintf(&sb, "%-*s  %10.0f  %8.1f  %9d  %9d  %6.2f", width,
			r.Name, r.NsPerOp, r.NsPerOp/1e3, r.AllocsPerOp, r.BytesPerOp, ratio)
		if i > 0 {
			prev := results[i-1]
			fmt.Fprintf(&sb, "  %+8.1f  %+10d", (r.NsPerOp-prev.NsPerOp)/1e3, r.AllocsPerOp-prev.AllocsPerOp)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
