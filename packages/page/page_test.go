package page_test

import (
	"net/url"
	"testing"

	"example.com/quartet/packages/page"
)

func TestRead(t *testing.T) {
	tests := []struct {
		query      string
		wantLimit  int
		wantCursor string
		wantErrs   []string // pointers
	}{
		{"", 20, "", nil},
		{"limit=5", 5, "", nil},
		{"limit=100", 100, "", nil},
		{"limit=101", 20, "", []string{"limit"}},
		{"limit=0", 20, "", []string{"limit"}},
		{"limit=-1", 20, "", []string{"limit"}},
		{"limit=1.5", 20, "", []string{"limit"}},
		{"limit=1e3", 20, "", []string{"limit"}},
		{"limit=+1", 20, "", []string{"limit"}},
		{"limit=99999999999999999999", 20, "", []string{"limit"}},
		{"cursor=" + page.Cursor([]byte("abc")), 20, "abc", nil},
		{"cursor=YWJj=", 20, "", []string{"cursor"}},     // padded
		{"cursor=YW+j", 20, "", []string{"cursor"}},      // standard alphabet
		{"limit=x&cursor=%%", 20, "", []string{"limit"}}, // a query that does not parse drops the pair
		{"limit=x&cursor=*", 20, "", []string{"limit", "cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			p, errs := page.Read(v, 20, 100)
			if p.Limit != tt.wantLimit || string(p.Cursor) != tt.wantCursor {
				t.Errorf("Read(%q) = %d, %q; want %d, %q", tt.query, p.Limit, p.Cursor, tt.wantLimit, tt.wantCursor)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Pointer)
			}
			if len(got) != len(tt.wantErrs) || (len(got) > 0 && (got[0] != tt.wantErrs[0] || got[len(got)-1] != tt.wantErrs[len(got)-1])) {
				t.Errorf("Read(%q) problems at %q, want %q", tt.query, got, tt.wantErrs)
			}
		})
	}
}
