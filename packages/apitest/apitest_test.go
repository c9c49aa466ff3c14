package apitest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"example.com/quartet/packages/apitest"
)

const spec = `
openapi: 3.0.3
info: {title: things, version: "1"}
paths:
  /v1/things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: a thing
          headers:
            ETag: {required: true, schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [id]
                additionalProperties: false
                properties: {id: {type: string}}
        "404":
          description: no thing
          content:
            application/problem+json:
              schema:
                type: object
                required: [status]
                properties: {status: {type: integer}}
  /v1/things:
    post:
      responses:
        "204": {description: done}
`

// recorder is a testing.TB that records failures instead of reporting
// them, so that the tests can check what apitest reports.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// run calls f with a recorder and returns what it recorded.
func run(t *testing.T, f func(tb testing.TB)) []string {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec.failures
}

func handler(status int, contentType, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"1"`)
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
}

func TestDoValidatesResponses(t *testing.T) {
	tests := []struct {
		name    string
		h       http.Handler
		wantErr string // "" when the response is valid
	}{
		{"valid", handler(200, "application/json", `{"id":"t1"}`), ""},
		{"valid problem", handler(404, "application/problem+json", `{"status":404}`), ""},
		{"undocumented member", handler(200, "application/json", `{"id":"t1","secret":1}`), "secret"},
		{"missing member", handler(200, "application/json", `{}`), `"id"`},
		{"undocumented status", handler(418, "application/json", `{}`), "status is not supported"},
		{"wrong content type", handler(404, "text/plain", "404 page not found"), "text/plain"},
		{"problem with another status", handler(404, "application/problem+json", `{"status":400}`), "problem status 400"},
		{"missing header", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"t1"}`)
		}), "ETag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := run(t, func(tb testing.TB) {
				apitest.New(tb, []byte(spec), tt.h).Do(tb, apitest.Request{Method: "GET", Path: "/v1/things/t1"})
			})
			switch {
			case tt.wantErr == "" && len(failures) > 0:
				t.Errorf("valid response reported: %q", failures)
			case tt.wantErr != "" && (len(failures) != 1 || !strings.Contains(failures[0], tt.wantErr)):
				t.Errorf("failures = %q, want one mentioning %q", failures, tt.wantErr)
			}
		})
	}
}

func TestDoRefusesUnknownRoutes(t *testing.T) {
	for _, req := range []apitest.Request{
		{Method: "GET", Path: "/v1/others/1"},
		{Method: "DELETE", Path: "/v1/things/1"},
		{Method: "GET", Path: "/v1/things/1/parts"},
		{Method: "GET", Path: "/v1/things/"},
	} {
		failures := run(t, func(tb testing.TB) {
			apitest.New(tb, []byte(spec), handler(200, "application/json", `{"id":"1"}`)).Do(tb, req)
		})
		if len(failures) != 1 || !strings.Contains(failures[0], "no route") {
			t.Errorf("%s %s: failures = %q, want one saying no route matches", req.Method, req.Path, failures)
		}
	}
}

func TestDoReturnsTheResponse(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: r.PathValue("id")})
		w.Header().Set("ETag", `"7"`)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q}`, r.URL.Path)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /v1/things/{id}", h)

	res := apitest.New(t, []byte(spec), mux).Do(t, apitest.Request{Method: "GET", Path: "/v1/things/a%2Fb"})
	var body struct{ ID string }
	res.JSON(t, &body)
	if res.Status != 200 || body.ID != "/v1/things/a/b" || res.Header.Get("ETag") != `"7"` || res.Header.Get("Set-Cookie") != "seen=a/b" {
		t.Errorf("got %d %v %s", res.Status, res.Header, res.Body)
	}
}

func TestCheckRoutes(t *testing.T) {
	failures := run(t, func(tb testing.TB) {
		apitest.CheckRoutes(tb, []byte(spec), []string{"GET /v1/things/{id}", "DELETE /v1/things/{id}"})
	})
	all := strings.Join(failures, "\n")
	if len(failures) != 2 || !strings.Contains(all, "POST /v1/things") || !strings.Contains(all, "DELETE /v1/things/{id}") {
		t.Errorf("failures = %q, want POST /v1/things missing and DELETE /v1/things/{id} extra", failures)
	}

	if failures := run(t, func(tb testing.TB) {
		apitest.CheckRoutes(tb, []byte(spec), []string{"POST /v1/things", "GET /v1/things/{id}"})
	}); failures != nil {
		t.Errorf("matching routes reported: %q", failures)
	}
}
