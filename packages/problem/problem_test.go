package problem_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/quartet/packages/problem"
)

var errNotFound = errors.New("product not found")

func TestTableProblem(t *testing.T) {
	table := problem.Table{{Err: errNotFound, Status: http.StatusNotFound}}
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantDetail string
	}{
		{"mapped sentinel", errNotFound, 404, "product not found"},
		{"wrapped sentinel", fmt.Errorf("get p1: %w", errNotFound), 404, "get p1: product not found"},
		{"problem passes through", fmt.Errorf("decode: %w", problem.New(413, "too big")), 413, "too big"},
		{"unknown error is withheld", errors.New("pq: connection refused"), 500,
			"The server could not complete the request; quote the request id when reporting it."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := table.Problem(tt.err)
			if p.Status != tt.wantStatus || p.Detail != tt.wantDetail {
				t.Errorf("Problem(%v) = %d %q, want %d %q", tt.err, p.Status, p.Detail, tt.wantStatus, tt.wantDetail)
			}
		})
	}
}

func TestResponderError(t *testing.T) {
	rs := problem.Responder{
		Table:     problem.Table{{Err: errNotFound, Status: http.StatusNotFound}},
		RequestID: func(context.Context) string { return "req-1" },
	}
	w := httptest.NewRecorder()
	rs.Error(w, httptest.NewRequest("GET", "/v1/products/p1", nil), errNotFound)

	if got := w.Header().Get("Content-Type"); got != problem.ContentType {
		t.Errorf("Content-Type = %q, want %q", got, problem.ContentType)
	}
	if w.Code != http.StatusNotFound {
		t.Errorf("status = %d, want 404", w.Code)
	}
	var got problem.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	want := problem.Problem{Type: "about:blank", Title: "Not Found", Status: 404, Detail: "product not found",
		Instance: "/v1/products/p1", RequestID: "req-1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("body = %+v, want %+v", got, want)
	}
}
