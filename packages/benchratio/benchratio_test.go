package benchratio_test

import (
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/benchratio"
)

// setBenchtime makes each case run a fixed number of iterations instead of
// a second.
func setBenchtime(t *testing.T, value string) {
	t.Helper()
	old := flag.Lookup("test.benchtime").Value.String()
	if err := flag.Set("test.benchtime", value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("test.benchtime", old) })
}

func TestRun(t *testing.T) {
	setBenchtime(t, "20x")
	t.Setenv(benchratio.RoundsEnv, "3")
	var results []benchratio.Result
	var order []string // the case of every call, deduplicated in runs
	record := func(name string) {
		if len(order) == 0 || order[len(order)-1] != name {
			order = append(order, name)
		}
	}
	testing.Benchmark(func(b *testing.B) {
		order = nil // testing.Benchmark may run the function more than once
		results = benchratio.Run(b,
			benchratio.Case{Name: "fast", Op: func() error { record("fast"); return nil }},
			benchratio.Case{Name: "slow", Op: func() error { record("slow"); time.Sleep(200 * time.Microsecond); return nil }},
			benchratio.Case{Name: "alloc", Op: func() error { record("alloc"); sink = make([]byte, 4096); return nil }},
		)
	})

	if len(results) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(results), results)
	}
	for i, name := range []string{"fast", "slow", "alloc"} {
		if r := results[i]; r.Name != name || r.N != 3*20 {
			t.Errorf("results[%d] = %+v, want case %s with 3 rounds of 20 iterations", i, r, name)
		}
	}
	if got, want := strings.Join(order, " "), "fast slow alloc fast slow alloc fast slow alloc"; got != want {
		t.Errorf("cases ran in the order %s, want interleaved rounds %s", got, want)
	}
	if fast, slow := results[0].NsPerOp, results[1].NsPerOp; slow < 10*fast || slow < 200e3 {
		t.Errorf("ns/op fast = %v, slow = %v; want slow ≥ 200µs and ≥ 10× fast", fast, slow)
	}
	if r := results[2]; r.AllocsPerOp < 1 || r.BytesPerOp < 4096 {
		t.Errorf("alloc case = %d allocs/op, %d B/op; want ≥ 1 and ≥ 4096", r.AllocsPerOp, r.BytesPerOp)
	}
}

func TestRunFailsOnError(t *testing.T) {
	setBenchtime(t, "5x")
	var results []benchratio.Result
	testing.Benchmark(func(b *testing.B) {
		results = benchratio.Run(b,
			benchratio.Case{Name: "ok", Op: func() error { return nil }},
			benchratio.Case{Name: "broken", Op: func() error { return errors.New("boom") }})
	})
	if len(results) != 0 {
		t.Errorf("results = %+v, want none when a case fails", results)
	}
}

var sink []byte
