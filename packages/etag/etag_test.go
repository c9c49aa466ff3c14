package etag_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/problem"
)

func TestIfMatch(t *testing.T) {
	const current = 3
	tests := []struct {
		name       string
		values     []string
		wantMatch  bool // at version 3
		wantStatus int  // 0 = no error
	}{
		{"absent", nil, true, 0},
		{"one strong tag", []string{`"3"`}, true, 0},
		{"as Of writes it", []string{etag.Of(current)}, true, 0},
		{"stale tag", []string{`"2"`}, false, 0},
		{"wildcard", []string{`*`}, true, 0},
		{"wildcard with spaces", []string{` * `}, true, 0},
		{"list with the current tag", []string{`"1", "3"`}, true, 0},
		{"list without it", []string{`"1", "2"`}, false, 0},
		{"list without spaces", []string{`"1","3"`}, true, 0},
		{"list with empty elements", []string{`, "3",,`}, true, 0},
		{"two header lines", []string{`"1"`, `"3"`}, true, 0},
		{"weak tag", []string{`W/"3"`}, false, 0},
		{"weak and strong", []string{`W/"3", "3"`}, true, 0},
		{"foreign tag", []string{`"abc"`}, false, 0},
		{"empty tag", []string{`""`}, false, 0},
		{"zero", []string{`"0"`}, false, 0},
		{"negative", []string{`"-3"`}, false, 0},
		{"leading zero", []string{`"03"`}, false, 0},
		{"beyond int64", []string{`"99999999999999999999"`}, false, 0},
		{"long tag", []string{`"3` + strings.Repeat("0", 10000) + `"`}, false, 0},
		{"obs-text tag", []string{"\"\xe2\x98\x83\""}, false, 0},
		{"unquoted", []string{`3`}, false, 400},
		{"blank", []string{` `}, false, 400},
		{"empty", []string{``}, false, 400},
		{"only commas", []string{`,,`}, false, 400},
		{"wildcard in a list", []string{`*, "3"`}, false, 400},
		{"wildcard twice", []string{`*`, `*`}, false, 400},
		{"lower-case weak", []string{`w/"3"`}, false, 400},
		{"space in tag", []string{`"3 4"`}, false, 400},
		{"unterminated", []string{`"3`}, false, 400},
		{"control character", []string{"\"3\t\""}, false, 400},
		{"unicode unquoted", []string{"ünï"}, false, 400},
		{"json null", []string{`null`}, false, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"If-Match": tt.values}
			c, err := etag.IfMatch(h, "product")
			if got := status(err); got != tt.wantStatus {
				t.Fatalf("IfMatch(%q) error status = %d (%v), want %d", tt.values, got, err, tt.wantStatus)
			}
			if err != nil {
				return
			}
			if got := c.Match(current); got != tt.wantMatch {
				t.Errorf("IfMatch(%q).Match(%d) = %v, want %v", tt.values, current, got, tt.wantMatch)
			}
			if got, want := c.Present(), tt.values != nil; got != want {
				t.Errorf("IfMatch(%q).Present() = %v, want %v", tt.values, got, want)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	if _, err := etag.Require(http.Header{}, "product"); status(err) != http.StatusPreconditionRequired {
		t.Errorf("Require without If-Match: %v, want 428", err)
	}
	c, err := etag.Require(http.Header{"If-Match": {`"7"`}}, "product")
	if err != nil || !c.Match(7) || c.Match(8) {
		t.Errorf(`Require("7") = %+v, %v; want a condition matching version 7 only`, c, err)
	}
	if c, err := etag.Require(http.Header{"If-Match": {`*`}}, "product"); err != nil || !c.Match(8) {
		t.Errorf("Require(*) = %+v, %v; want a condition matching any version", c, err)
	}
	if _, err := etag.Require(http.Header{"If-Match": {`7`}}, "product"); status(err) != http.StatusBadRequest {
		t.Errorf("Require(7): %v, want 400", err)
	}
}

func TestZeroConditionMatchesEverything(t *testing.T) {
	var c etag.Condition
	if !c.Match(1) || c.Present() {
		t.Errorf("zero Condition: Match(1) = %v, Present() = %v; want true, false", c.Match(1), c.Present())
	}
}

func status(err error) int {
	if err == nil {
		return 0
	}
	var p *problem.Problem
	if !errors.As(err, &p) {
		return -1
	}
	return p.Status
}
