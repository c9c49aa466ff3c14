package problem_test

import (
	"bytes"
	"log/slog"
	"strings"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/packages/validation"
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

func TestResponderUnavailable(t *testing.T) {
	var logs bytes.Buffer
	rs := problem.Responder{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	w := httptest.NewRecorder()
	rs.Error(w, httptest.NewRequest("GET", "/v1/products", nil), fmt.Errorf("query: %w", context.DeadlineExceeded))

	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", w.Code)
	}
	if got := w.Header().Get("Retry-After"); got != unavailable.RetryAfterHeader {
		t.Errorf("Retry-After = %q, want %q", got, unavailable.RetryAfterHeader)
	}
	if strings.Contains(w.Body.String(), "deadline") {
		t.Errorf("the 503 shows its cause: %s", w.Body)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "deadline exceeded") {
		t.Errorf("log = %q, want a WARN line with the cause", logs.String())
	}

	// A 503 from the table (another context is down) gets Retry-After too,
	// unless the handler chose one.
	errDown := errors.New("catalog is down")
	rs.Table = problem.Table{{Err: errDown, Status: http.StatusServiceUnavailable}}
	w = httptest.NewRecorder()
	rs.Error(w, httptest.NewRequest("GET", "/v1/cart", nil), errDown)
	if w.Code != 503 || w.Header().Get("Retry-After") != unavailable.RetryAfterHeader {
		t.Errorf("table 503: status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	w = httptest.NewRecorder()
	w.Header().Set("Retry-After", "7")
	rs.Error(w, httptest.NewRequest("GET", "/v1/cart", nil), errDown)
	if got := w.Header().Get("Retry-After"); got != "7" {
		t.Errorf("Retry-After = %q, want the handler's 7", got)
	}
}

func TestResponderClientClosed(t *testing.T) {
	var logs bytes.Buffer
	rs := problem.Responder{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the caller hung up
	r := httptest.NewRequestWithContext(ctx, "GET", "/v1/products", nil)
	w := httptest.NewRecorder()
	rs.Error(w, r, fmt.Errorf("query: %w", context.Canceled))

	if w.Code != problem.StatusClientClosedRequest {
		t.Errorf("status = %d, want 499", w.Code)
	}
	if out := logs.String(); !strings.Contains(out, "level=INFO") || strings.Contains(out, "level=ERROR") {
		t.Errorf("log = %q, want INFO and no ERROR", out)
	}

	// The budget ends a request's context with DeadlineExceeded: a 503,
	// not a hang-up.
	logs.Reset()
	ctx, cancel = context.WithTimeout(context.Background(), 0)
	defer cancel()
	w = httptest.NewRecorder()
	rs.Error(w, httptest.NewRequestWithContext(ctx, "GET", "/v1/products", nil), ctx.Err())
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("after the deadline: status %d, want 503", w.Code)
	}

	// A canceled context inside the server, with the request still there,
	// is a bug.
	w = httptest.NewRecorder()
	rs.Error(w, httptest.NewRequest("GET", "/v1/products", nil), context.Canceled)
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("internal cancel: status %d, log %q; want 500 at ERROR", w.Code, logs.String())
	}
}

type throttled struct{ wait time.Duration }

func (e throttled) Error() string             { return "slow down" }
func (e throttled) RetryAfter() time.Duration { return e.wait }

var errBusy = errors.New("busy")

func TestResponderHeaders(t *testing.T) {
	errUnauthenticated := errors.New("who are you")
	rs := problem.Responder{Table: problem.Table{
		{Err: errUnauthenticated, Status: http.StatusUnauthorized},
		{Err: errBusy, Status: http.StatusConflict, RetryAfter: time.Second},
		{Err: errNotFound, Status: http.StatusTooManyRequests},
	}}
	tests := []struct {
		name                  string
		err                   error
		wantStatus            int
		wantRetry, wantBearer string
	}{
		{"401 asks for a bearer token", errUnauthenticated, 401, "", "Bearer"},
		{"a row's Retry-After", fmt.Errorf("save: %w", errBusy), 409, "1", ""},
		{"the error's own Retry-After wins, rounded up", fmt.Errorf("x: %w", errors.Join(throttled{1500 * time.Millisecond}, errBusy)), 409, "2", ""},
		{"no Retry-After", errNotFound, 429, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			rs.Error(w, httptest.NewRequest("GET", "/x", nil), tt.err)
			if w.Code != tt.wantStatus || w.Header().Get("Retry-After") != tt.wantRetry || w.Header().Get("WWW-Authenticate") != tt.wantBearer {
				t.Errorf("status %d, Retry-After %q, WWW-Authenticate %q; want %d, %q, %q", w.Code,
					w.Header().Get("Retry-After"), w.Header().Get("WWW-Authenticate"), tt.wantStatus, tt.wantRetry, tt.wantBearer)
			}
		})
	}
}

func TestValidationPointers(t *testing.T) {
	var ck validation.Errors
	ck.Check(false, "price.currency", "must be an ISO 4217 code")
	ck.Check(false, "lines.1", "must not be blank")
	ck.Check(false, "a/b~c", "is odd")
	ck.Check(false, "Idempotency-Key", "must be at most 255 characters")
	p := problem.Table{}.Problem(fmt.Errorf("create: %w", ck.Err()))
	want := []problem.FieldError{
		{Pointer: "/price/currency", Detail: "must be an ISO 4217 code"},
		{Pointer: "/lines/1", Detail: "must not be blank"},
		{Pointer: "/a~1b~0c", Detail: "is odd"},
		{Pointer: "Idempotency-Key", Detail: "must be at most 255 characters"},
	}
	if p.Status != http.StatusUnprocessableEntity || fmt.Sprint(p.Errors) != fmt.Sprint(want) {
		t.Errorf("Problem(validation error) = %d %+v, want 422 %+v", p.Status, p.Errors, want)
	}
	params := problem.InvalidParams(validation.Field("q", "is too long"))
	if params.Status != http.StatusBadRequest || params.Errors[0].Pointer != "q" {
		t.Errorf("InvalidParams = %d %+v, want 400 naming q", params.Status, params.Errors)
	}
}

func TestRowPointer(t *testing.T) {
	p := problem.Table{{Err: errNotFound, Status: 422, Pointer: "/category"}}.Problem(errNotFound)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/category" || p.Errors[0].Detail != errNotFound.Error() {
		t.Errorf("Problem = %+v, want one error at /category", p.Errors)
	}
}

func TestPointer(t *testing.T) {
	for _, tt := range []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"a"}, "/a"},
		{[]string{"a/b", "~", "0"}, "/a~1b/~0/0"},
		{[]string{""}, "/"},
	} {
		if got := problem.Pointer(tt.tokens...); got != tt.want {
			t.Errorf("Pointer(%q) = %q, want %q", tt.tokens, got, tt.want)
		}
	}
}
