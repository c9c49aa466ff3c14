// Package httproute turns a context's table of operations into its
// http.Handler: one ServeMux pattern per operation (which is also its API
// Gateway route key), handlers that return errors, one function that writes
// every error as a problem — including for requests no operation matches —
// and request logging around it all.
package httproute

import (
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"

	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
)

// Route is one operation.
type Route struct {
	// Pattern is a ServeMux pattern such as "GET /v1/products/{id}".
	Pattern string
	// Handle serves the operation; an error it returns is written by the
	// Handler's fail function. Wrap it in Public, Authenticated, Customer,
	// Admin or AnyRole to say who may call it.
	Handle Handle
}

// Handler returns the handler that serves routes. fail writes every error a
// route returns, and the 404 or 405 (with Allow) problems for requests that
// no route matches, which ServeMux would answer in text/plain. logger gets
// one line per request (requestlog.Middleware).
func Handler(routes []Route, fail func(http.ResponseWriter, *http.Request, error), logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	serve := func(handle func(http.ResponseWriter, *http.Request) error) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := handle(w, r); err != nil {
				fail(w, r, err)
			}
		})
	}
	var methods []string
	for _, rt := range routes {
		mux.Handle(rt.Pattern, serve(rt.Handle))
		if method, _, _ := strings.Cut(rt.Pattern, " "); !slices.Contains(methods, method) {
			methods = append(methods, method)
		}
	}
	mux.Handle("/", serve(unmatched(mux, methods)))
	return requestlog.Middleware(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeMux would redirect such a path to its clean form, with a
		// text/html body; no operation has it.
		if p := r.URL.EscapedPath(); p != cleanPath(p) {
			fail(w, r, problem.New(http.StatusNotFound, "no operation has this path"))
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// cleanPath returns p as ServeMux cleans it before matching: no "." or ".."
// segments and no empty ones, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if strings.HasSuffix(p, "/") && np != "/" {
		np += "/"
	}
	return np
}

// Patterns returns the patterns of routes, for comparing them with the
// context's OpenAPI document.
func Patterns(routes []Route) []string {
	patterns := make([]string, len(routes))
	for i, rt := range routes {
		patterns[i] = rt.Pattern
	}
	return patterns
}

// unmatched answers what ServeMux's catch-all "/" receives: 405 with an
// Allow header when the path is served for other methods, else 404.
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
