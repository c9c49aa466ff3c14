// Package httpapi is the reviews context's HTTP API: its routes, thin
// handlers over reviews.Service, the JSON documents they exchange and the
// table that turns errors into RFC 9457 problems. The contract it
// implements is services/reviews/openapi.yaml; the API tests check the two
// agree.
package httpapi

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
	"example.com/quartet/services/reviews/internal/reviews"
)

// api holds what the handlers share.
type api struct {
	svc       *reviews.Service
	responder problem.Responder
}

// route is one operation: a ServeMux pattern, which is also its API Gateway
// route key, and the handler that serves it.
type route struct {
	pattern string
	handle  func(http.ResponseWriter, *http.Request) error
}

// routes lists every operation of the reviews API.
func (a *api) routes() []route {
	return []route{
		{"GET /v1/products/{id}/reviews", a.listReviews},
		{"POST /v1/products/{id}/reviews", a.createReview},
		{"GET /v1/products/{id}/rating", a.getRating},
		{"GET /v1/reviews/{id}", a.getReview},
		{"PATCH /v1/reviews/{id}", a.updateReview},
		{"DELETE /v1/reviews/{id}", a.deleteReview},
		{"POST /v1/reviews/{id}/helpful", a.voteHelpful},
	}
}

// Routes returns the patterns New registers, such as
// "GET /v1/reviews/{id}", for comparing them with openapi.yaml.
func Routes() []string {
	var a api
	var patterns []string
	for _, rt := range a.routes() {
		patterns = append(patterns, rt.pattern)
	}
	return patterns
}

// New returns the reviews HTTP handler. Every response, including those for
// paths or methods it does not serve, is JSON; every error is a problem.
// logger receives one line per request and the cause of every 5xx.
func New(svc *reviews.Service, logger *slog.Logger) http.Handler {
	a := &api{svc: svc, responder: problem.Responder{Table: errorTable, Logger: logger, RequestID: requestlog.ID}}
	mux := http.NewServeMux()
	var methods []string
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern, a.handler(rt.handle))
		if method, _, _ := strings.Cut(rt.pattern, " "); !slices.Contains(methods, method) {
			methods = append(methods, method)
		}
	}
	mux.Handle("/", a.handler(unmatched(mux, methods)))
	return requestlog.Middleware(logger, mux)
}

// handler adapts a handler that returns an error to http.Handler: the error
// becomes a problem response.
func (a *api) handler(handle func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := handle(w, r); err != nil {
			a.fail(w, r, err)
		}
	})
}

// unmatched answers requests no route matches as ServeMux would, 405 with
// an Allow header when the path is served for other methods and 404
// otherwise, but with problems instead of text/plain.
func unmatched(mux *http.ServeMux, methods []string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allow []string
		for _, m := range methods {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
			if _, pattern := mux.Handler(probe); pattern != "/" {
				allow = append(allow, m)
			}
		}
		if allow == nil {
			return problem.New(http.StatusNotFound, "no operation has this path")
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return problem.New(http.StatusMethodNotAllowed, "this path allows only "+strings.Join(allow, ", "))
	}
}
