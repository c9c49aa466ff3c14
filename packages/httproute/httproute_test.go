package httproute_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/problem"
)

func TestHandler(t *testing.T) {
	errGone := errors.New("gone")
	routes := []httproute.Route{
		{Pattern: "GET /v1/things/{id}", Handle: func(w http.ResponseWriter, r *http.Request) error {
			if r.PathValue("id") == "gone" {
				return errGone
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
		{Pattern: "DELETE /v1/things/{id}", Handle: func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
	}
	responder := problem.Responder{Table: problem.Table{{Err: errGone, Status: http.StatusGone}}}
	h := httproute.Handler(routes, responder.Error, slog.New(slog.DiscardHandler))

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"served", "GET", "/v1/things/1", http.StatusNoContent, ""},
		{"error becomes a problem", "GET", "/v1/things/gone", http.StatusGone, ""},
		{"unknown path", "GET", "/v1/nothing", http.StatusNotFound, ""},
		{"other method", "PUT", "/v1/things/1", http.StatusMethodNotAllowed, "GET, DELETE"},
		// ServeMux would redirect these with a text/html body.
		{"dot segment", "GET", "/v1/things/.", http.StatusNotFound, ""},
		{"dot-dot segment", "GET", "/v1/things/..", http.StatusNotFound, ""},
		{"empty segment", "GET", "/v1//things/1", http.StatusNotFound, ""},
		{"escaped dot-dot is a value", "GET", "/v1/things/%2E%2E", http.StatusNoContent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if w.Code >= 400 && w.Header().Get("Content-Type") != problem.ContentType {
				t.Errorf("Content-Type = %q, want a problem", w.Header().Get("Content-Type"))
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestPatterns(t *testing.T) {
	got := httproute.Patterns([]httproute.Route{{Pattern: "GET /a"}, {Pattern: "POST /b"}})
	if len(got) != 2 || got[0] != "GET /a" || got[1] != "POST /b" {
		t.Errorf("Patterns = %q", got)
	}
}
