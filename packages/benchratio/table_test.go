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
	})
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
