package etag_test

import (
	"errors"
	"net/http"
	"testing"

	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/problem"
)

func TestIfMatch(t *testing.T) {
	tests := []struct {
		name        string
		values      []string
		wantVersion int
		wantOK      bool
		wantStatus  int // 0 = no error
	}{
		{"absent", nil, 0, false, 0},
		{"one strong tag", []string{`"3"`}, 3, true, 0},
		{"as Of writes it", []string{etag.Of(42)}, 42, true, 0},
		{"wildcard", []string{`*`}, 0, false, 400},
		{"weak tag", []string{`W/"3"`}, 0, false, 400},
		{"list", []string{`"3", "4"`}, 0, false, 400},
		{"two headers", []string{`"3"`, `"4"`}, 0, false, 400},
		{"unquoted", []string{`3`}, 0, false, 400},
		{"zero", []string{`"0"`}, 0, false, 400},
		{"too large", []string{`"9999999999"`}, 0, false, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"If-Match": tt.values}
			version, ok, err := etag.IfMatch(h, "product")
			if got := status(err); got != tt.wantStatus {
				t.Fatalf("IfMatch(%q) error status = %d (%v), want %d", tt.values, got, err, tt.wantStatus)
			}
			if version != tt.wantVersion || ok != tt.wantOK {
				t.Errorf("IfMatch(%q) = %d, %v; want %d, %v", tt.values, version, ok, tt.wantVersion, tt.wantOK)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	if _, err := etag.Require(http.Header{}, "product"); status(err) != http.StatusPreconditionRequired {
		t.Errorf("Require without If-Match: %v, want 428", err)
	}
	if v, err := etag.Require(http.Header{"If-Match": {`"7"`}}, "product"); err != nil || v != 7 {
		t.Errorf("Require(\"7\") = %d, %v; want 7", v, err)
	}
	if _, err := etag.Require(http.Header{"If-Match": {`*`}}, "product"); status(err) != http.StatusBadRequest {
		t.Errorf("Require(*): %v, want 400", err)
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
