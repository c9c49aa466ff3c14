package benchratio

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	got := table([]Result{
		{Name: "raw", N: 1000, NsPerOp: 40000, AllocsPerOp: 12, BytesPerOp: 1024},
		{Name: "direct", N: 1000, NsPerOp: 55000, AllocsPerOp: 110, BytesPerOp: 9000},
		{Name: "full", N: 1000, NsPerOp: 70000, AllocsPerOp: 150, BytesPerOp: 20480},
	}, nil)
	want := `
case         ns/op     µs/op  allocs/op       B/op    ×raw    +µs/op  +allocs/op
raw          40000      40.0         12       1024    1.00
direct       55000      55.0        110       9000    1.38     +15.0         +98
full         70000      70.0        150      20480    1.75     +15.0         +40
`
	if trim(got) != trim(want) {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

// trim drops trailing spaces and the surrounding blank lines.
func trim(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func TestMedians(t *testing.T) {
	rounds := [][]Result{
		{{Name: "raw", N: 10, NsPerOp: 100, AllocsPerOp: 2, BytesPerOp: 64}, {Name: "full", N: 10, NsPerOp: 150, AllocsPerOp: 9, BytesPerOp: 512}},
		{{Name: "raw", N: 10, NsPerOp: 300, AllocsPerOp: 2, BytesPerOp: 64}, {Name: "full", N: 10, NsPerOp: 420, AllocsPerOp: 9, BytesPerOp: 512}},
		{{Name: "raw", N: 10, NsPerOp: 110, AllocsPerOp: 2, BytesPerOp: 64}, {Name: "full", N: 10, NsPerOp: 900, AllocsPerOp: 10, BytesPerOp: 600}},
	}
	got := Medians(rounds)
	want := []Result{
		{Name: "raw", N: 30, NsPerOp: 110, AllocsPerOp: 2, BytesPerOp: 64},
		{Name: "full", N: 30, NsPerOp: 420, AllocsPerOp: 9, BytesPerOp: 512},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Medians = %+v, want %+v", got, want)
	}
	// The ratios are paired by round: 1.5, 1.4, 8.18..., median 1.5.
	if r := medianRatios(rounds); len(r) != 2 || r[0] != 1 || r[1] != 1.5 {
		t.Errorf("medianRatios = %v, want [1 1.5]", r)
	}
}
