// Command benchsummary reads the output of go test -bench over benchmarks
// written with benchratio and prints one table: per benchmark, the median
// time of its first case (the floor: the raw driver call, or the bare
// handler) and of its last (the whole path), their ratio, and what the
// project adds on top of the floor in microseconds, allocations and bytes.
//
// Usage:
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./packages/benchratio/cmd/benchsummary
//
// Medians are over the rounds benchratio interleaves (sub-benchmarks named
// case, case#01, case#02, …) and over -count runs. The ratio is the median
// of the rounds' own ratios, pairing each round's last case with the same
// round's first; the best ratio and best +µs compare the fastest round of
// each case, since load on a shared machine only ever adds time. Each row
// is checked against its goal, on the medians and on the best rounds: a
// ratio of at most
// -max-ratio when the floor is a case named "raw", and at most -max-us
// microseconds and -max-allocs allocations added when it is named "bare"
// (the Lambda adapter against the bare handler). The command only reports;
// it exits 0 whatever the figures, and 1 when the input has no benchmarks.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchsummary:", err)
		os.Exit(1)
	}
}

// goals are the targets the table checks.
type goals struct {
	maxRatio  float64
	maxUs     float64
	maxAllocs float64
}

func run(args []string, in io.Reader, out io.Writer) error {
	flags := flag.NewFlagSet("benchsummary", flag.ContinueOnError)
	var g goals
	flags.Float64Var(&g.maxRatio, "max-ratio", 1.5, "goal: largest full/raw ratio")
	flags.Float64Var(&g.maxUs, "max-us", 3, "goal: most microseconds the adapter adds to the bare handler")
	flags.Float64Var(&g.maxAllocs, "max-allocs", 40, "goal: most allocations the adapter adds to the bare handler")
	if err := flags.Parse(args); err != nil {
		return err
	}
	benches, err := parse(in)
	if err != nil {
		return err
	}
	if len(benches) == 0 {
		return fmt.Errorf("no benchmark results in the input")
	}
	write(out, benches, g)
	return nil
}

// sample is one measurement of one case.
type sample struct {
	ns, allocs, bytes float64
}

// bench is one benchmark function and the samples of its cases, in the
// order the cases first appeared.
type bench struct {
	pkg, name string
	cases     []string
	samples   map[string][]sample
}

// line matches a result line such as
// "BenchmarkGetProduct/raw#01-2  1234  56789 ns/op  1024 B/op  12 allocs/op".
var line = regexp.MustCompile(`^Benchmark([^/\s]+)/(\S+?)(?:#\d+)?(?:-\d+)?\s+\d+\s+(.*)$`)

func parse(in io.Reader) ([]*bench, error) {
	var (
		out  []*bench
		byID = map[string]*bench{}
		pkg  string
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		text := sc.Text()
		if p, ok := strings.CutPrefix(text, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		s, ok := metrics(m[3])
		if !ok {
			continue
		}
		id := pkg + " " + m[1]
		b := byID[id]
		if b == nil {
			b = &bench{pkg: pkg, name: m[1], samples: map[string][]sample{}}
			byID[id] = b
			out = append(out, b)
		}
		if _, seen := b.samples[m[2]]; !seen {
			b.cases = append(b.cases, m[2])
		}
		b.samples[m[2]] = append(b.samples[m[2]], s)
	}
	return out, sc.Err()
}

// metrics reads the "value unit" pairs of a result line.
func metrics(s string) (sample, bool) {
	f := strings.Fields(s)
	var out sample
	var hasNs bool
	for i := 0; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return sample{}, false
		}
		switch f[i+1] {
		case "ns/op":
			out.ns, hasNs = v, true
		case "allocs/op":
			out.allocs = v
		case "B/op":
			out.bytes = v
		}
	}
	return out, hasNs
}

func write(out io.Writer, benches []*bench, g goals) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "where\tbenchmark\tfloor\tfloor µs\tpath\tpath µs\tratio\t+µs\t+allocs\t+B\tbest ratio\tbest +µs\trounds\tgoal (medians)\tgoal (best rounds)\t")
	for _, b := range benches {
		if len(b.cases) < 2 {
			continue
		}
		floor, path := b.cases[0], b.cases[len(b.cases)-1]
		fs, ps := b.samples[floor], b.samples[path]
		f, p := medianOf(fs), medianOf(ps)
		fBest, pBest := fastest(fs), fastest(ps)
		ratio, bestRatio := pairedRatio(fs, ps), pBest/fBest
		addUs, bestUs, addAllocs := (p.ns-f.ns)/1e3, (pBest-fBest)/1e3, p.allocs-f.allocs
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%.1f\t%.2f\t%+.1f\t%+.0f\t%+.0f\t%.2f\t%+.1f\t%d\t%s\t%s\t\n",
			where(b.pkg), b.name, floor, f.ns/1e3, path, p.ns/1e3, ratio, addUs, addAllocs, p.bytes-f.bytes,
			bestRatio, bestUs, min(len(fs), len(ps)),
			verdict(floor, ratio, addUs, addAllocs, g), verdict(floor, bestRatio, bestUs, addAllocs, g))
	}
	tw.Flush()
}

// verdict checks one row against its goal, chosen by the name of its
// floor case; rows of other benchmarks have no goal.
func verdict(floor string, ratio, addUs, addAllocs float64, g goals) string {
	switch floor {
	case "raw":
		return check(ratio <= g.maxRatio, fmt.Sprintf("ratio ≤ %.2g", g.maxRatio))
	case "bare":
		return check(addUs <= g.maxUs && addAllocs <= g.maxAllocs, fmt.Sprintf("+µs ≤ %.3g, +allocs ≤ %.3g", g.maxUs, g.maxAllocs))
	}
	return ""
}

// fastest is the least time per operation among ss: noise on a shared
// machine only ever adds time, so the best round is the closest to the
// cost on a quiet one.
func fastest(ss []sample) float64 {
	best := ss[0].ns
	for _, s := range ss[1:] {
		best = min(best, s.ns)
	}
	return best
}

func check(ok bool, goal string) string {
	if ok {
		return "met (" + goal + ")"
	}
	return "MISSED (" + goal + ")"
}

// where shortens a package path to the part of the repository it is in,
// such as services/catalog/internal/httpapi.
func where(pkg string) string {
	if _, rest, ok := strings.Cut(pkg, "/quartet/"); ok {
		return rest
	}
	return pkg
}

func medianOf(ss []sample) sample {
	ns, allocs, bytes := make([]float64, len(ss)), make([]float64, len(ss)), make([]float64, len(ss))
	for i, s := range ss {
		ns[i], allocs[i], bytes[i] = s.ns, s.allocs, s.bytes
	}
	return sample{ns: median(ns), allocs: median(allocs), bytes: median(bytes)}
}

// pairedRatio is the median of path[i]/floor[i] over the rounds both ran.
func pairedRatio(floor, path []sample) float64 {
	n := min(len(floor), len(path))
	r := make([]float64, n)
	for i := range n {
		r[i] = path[i].ns / floor[i].ns
	}
	return median(r)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
