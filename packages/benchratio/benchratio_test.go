package benchratio_test

import (
	"errors"
	"flag"
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
	var results []benchratio.Result
	testing.Benchmark(func(b *testing.B) {
		results = benchratio.Run(b,
			benchratio.Case{Name: "fast", Op: func() error { return nil }},
			benchratio.Case{Name: "slow", Op: func() error { time.Sleep(200 * time.Microsecond); return nil }},
			benchratio.Case{Name: "alloc", Op: func() error { sink = make([]byte, 4096); return nil }},
		)
	})

	if len(results) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(results), results)
	}
	for i, name := range []string{"fast", "slow", "alloc"} {
		if r := results[i]; r.Name != name || r.N != 20 {
			t.Errorf("results[%d] = %+v, want case %s with 20 iterations", i, r, name)
		}
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
	if len(results) != 1 || results[0].Name != "ok" {
		t.Errorf("results = %+v, want only the case before the failing one", results)
	}
}

var sink []byte
