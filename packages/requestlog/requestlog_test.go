package requestlog_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
)

func TestMiddlewareRecoversPanic(t *testing.T) {
	var logs bytes.Buffer
	h := requestlog.Middleware(slog.New(slog.NewJSONHandler(&logs, nil)),
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/products", nil))

	if w.Code != http.StatusInternalServerError || w.Header().Get("Content-Type") != problem.ContentType {
		t.Fatalf("got %d %q, want 500 problem", w.Code, w.Header().Get("Content-Type"))
	}
	var p problem.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	id := w.Header().Get(requestlog.Header)
	if id == "" || p.RequestID != id {
		t.Errorf("problem request id = %q, header = %q; want equal and non-empty", p.RequestID, id)
	}
	if strings.Contains(w.Body.String(), "boom") {
		t.Errorf("panic value leaked to the client: %s", w.Body)
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) || !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("logs miss the panic or the status: %s", logs.String())
	}
}

func TestMiddlewareRequestID(t *testing.T) {
	tests := []struct {
		name, incoming string
		keep           bool
	}{
		{"client id kept", "abc-123", true},
		{"no id generated", "", false},
		{"unprintable id replaced", "abc\ndef", false},
		{"overlong id replaced", strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := requestlog.Middleware(slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = requestlog.ID(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}))
			r := httptest.NewRequest("GET", "/", nil)
			if tt.incoming != "" {
				r.Header.Set(requestlog.Header, tt.incoming)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if seen == "" || seen != w.Header().Get(requestlog.Header) {
				t.Fatalf("handler saw %q, response header %q", seen, w.Header().Get(requestlog.Header))
			}
			if (seen == tt.incoming) != tt.keep {
				t.Errorf("id = %q, incoming %q, keep = %v", seen, tt.incoming, tt.keep)
			}
		})
	}
}
