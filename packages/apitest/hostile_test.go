package apitest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/problem"
)

const hostileSpec = `
openapi: 3.0.3
info: {title: counters, version: "1"}
paths:
  /v1/counters/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    put:
      parameters:
        - {name: If-Match, in: header, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                count: {type: integer}
                label:
                  type: object
                  properties: {text: {type: string}}
      responses:
        "204": {description: set}
        "400": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "413": {$ref: "#/components/responses/Problem"}
        "412": {$ref: "#/components/responses/Problem"}
        "415": {$ref: "#/components/responses/Problem"}
        "428": {$ref: "#/components/responses/Problem"}
        "500": {$ref: "#/components/responses/Problem"}
components:
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json:
          schema:
            type: object
            required: [status]
            properties: {status: {type: integer}}
`

// writeProblem writes a minimal problem.
func writeProblem(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"status":%d}`, status)
}

// careful refuses all bad input with a problem, through the packages
// every context uses. Counter c1 is at version 1.
func careful(w http.ResponseWriter, r *http.Request) {
	if err := putCounter(w, r); err != nil {
		p := &problem.Problem{}
		if !errors.As(err, &p) {
			p = problem.New(http.StatusInternalServerError, "")
		}
		problem.Write(w, p)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func putCounter(w http.ResponseWriter, r *http.Request) error {
	cond, err := etag.Require(r.Header, "counter")
	if err != nil {
		return err
	}
	var body struct {
		Count *int64
		Label *struct{ Text string }
	}
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	if r.PathValue("id") != "c1" {
		return problem.New(http.StatusNotFound, "no such counter")
	}
	if !cond.Match(1) {
		return problem.New(http.StatusPreconditionFailed, "the counter changed")
	}
	return nil
}

func TestHostileAcceptsACarefulHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/counters/{id}", careful)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeProblem(w, 404) })
	// ServeMux would redirect a path with dot segments.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
			writeProblem(w, 404)
			return
		}
		mux.ServeHTTP(w, r)
	})
	api := apitest.New(t, []byte(hostileSpec), h)
	start := time.Now()
	apitest.Hostile(t, api, apitest.HostileOptions{
		Paths:   map[string]string{"PUT /v1/counters/{id}": "/v1/counters/c1"},
		Headers: map[string]string{"If-Match": `"1"`},
		Bodies:  map[string]string{"PUT /v1/counters/{id}": `{"count":1,"label":{"text":"a"}}`},
	})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the battery took %v", d)
	}
}

func TestHostileReportsCarelessHandlers(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		want string // in a failure
	}{
		{"panic on a wrong type", func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if json.NewDecoder(r.Body).Decode(&body) != nil {
				writeProblem(w, 400)
				return
			}
			_ = body["count"].(float64) // panics for a string, an array…
			w.WriteHeader(http.StatusNoContent)
		}, "panic"},
		{"5xx on a long label", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if strings.Contains(string(b), strings.Repeat("a", 1000)) {
				writeProblem(w, 500)
				return
			}
			careful(w, httptestRequest(r, b))
		}, "status 500, want < 500"},
		{"5xx on a bad limit", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("limit") == "-1" {
				writeProblem(w, 500)
				return
			}
			careful(w, r)
		}, "limit=-1: status 500"},
		{"5xx on a malformed If-Match", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-Match") == "*" {
				writeProblem(w, 500)
				return
			}
			careful(w, r)
		}, "status 500"},
		{"5xx on a long id", func(w http.ResponseWriter, r *http.Request) {
			if len(r.PathValue("id")) > 64 {
				writeProblem(w, 500)
				return
			}
			careful(w, r)
		}, "aaaa"},
		{"redirect for dot segments", careful, "status 307, want a 4xx problem"},
		{"last of two members wins", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var body struct{ Count *int64 }
			if json.Unmarshal(b, &body) != nil {
				writeProblem(w, 400)
				return
			}
			careful(w, httptestRequest(r, []byte(`{"count":1}`)))
		}, "status 204, want 400"},
		{"weak If-Match as malformed", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.Header.Get("If-Match"), "W/") {
				writeProblem(w, 400)
				return
			}
			careful(w, r)
		}, "status 400, want 412"},
		{"If-Match star refused", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-Match") == "*" {
				writeProblem(w, 412)
				return
			}
			careful(w, r)
		}, "status 412, want none of"},
		{"text/plain 4xx", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Content-Type") != "application/json" {
				http.Error(w, "unsupported", http.StatusUnsupportedMediaType)
				return
			}
			careful(w, r)
		}, "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("PUT /v1/counters/{id}", tt.h)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeProblem(w, 404) })
			var n int
			failures := run(t, func(tb testing.TB) {
				n = apitest.HostileEach(tb, apitest.New(tb, []byte(hostileSpec), mux), apitest.HostileOptions{
					Paths:   map[string]string{"PUT /v1/counters/{id}": "/v1/counters/c1"},
					Headers: map[string]string{"If-Match": `"1"`},
					Bodies:  map[string]string{"PUT /v1/counters/{id}": `{"count":1,"label":{"text":"a"}}`},
				})
			})
			if len(failures) == 0 || !strings.Contains(strings.Join(failures, "\n"), tt.want) {
				t.Errorf("%d requests, failures = %.500q…, want one mentioning %q", n, failures, tt.want)
			}
		})
	}
}

// httptestRequest returns r with its body, already read, restored.
func httptestRequest(r *http.Request, body []byte) *http.Request {
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return r
}
