// Package apispec reads the HTTP routes of a bounded context from its OpenAPI
// document, the single source of truth for them.
//
// The AWS stack creates API Gateway routes from the routes it returns, the
// local gateway mounts them, and contract tests check that a context's
// handler serves exactly them. Because every consumer reads the same list,
// the three cannot drift apart.
package apispec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// Route is one operation of an OpenAPI document.
type Route struct {
	// Method is the upper-case HTTP method, such as "GET".
	Method string
	// Path is the path template as written in the document, such as
	// "/v1/products/{id}".
	Path string
	// OperationID is the operation's operationId, or "" if it has none.
	OperationID string
	// Secured reports whether the operation requires credentials: its
	// effective security requirement (the operation's own, or else the
	// document's default) is non-empty and has no empty alternative. So
	// `security: []` and an optional `security: [{}, {bearer: []}]` are
	// public, because API Gateway can only attach an authorizer to a route
	// or not.
	Secured bool
}

// Key returns the route as "METHOD /path", such as "GET /v1/products/{id}".
// It is both the route key of an API Gateway HTTP API and a net/http
// ServeMux pattern: Routes only accepts paths on which the two agree.
func (r Route) Key() string {
	return r.Method + " " + r.Path
}

// Routes parses and validates an OpenAPI 3.0 or 3.1 document and returns its
// routes sorted by path, then method. External references are not followed.
//
// It returns an error if the document is invalid, or if a path cannot be both
// an API Gateway route and a ServeMux pattern: every path must start with "/",
// must not end with "/", and each parameter must fill a whole segment and be
// named like a Go identifier ("/v1/products/{id}", not "/v1/{file}.json",
// "/v1/{product-id}" or "/v1/{proxy+}").
func Routes(spec []byte) ([]Route, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("invalid OpenAPI document: %w", err)
	}

	var routes []Route
	var errs []error
	for path, item := range doc.Paths.Map() {
		if err := checkPath(path); err != nil {
			errs = append(errs, err)
			continue
		}
		for method, op := range item.Operations() {
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			routes = append(routes, Route{
				Method:      strings.ToUpper(method),
				Path:        path,
				OperationID: op.OperationID,
				Secured:     secured(security),
			})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(routes, func(a, b Route) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return routes, nil
}

// secured reports whether reqs demands credentials. The requirements are
// alternatives: an empty one means anonymous access is allowed.
func secured(reqs openapi3.SecurityRequirements) bool {
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// checkPath reports whether path means the same as an API Gateway route path
// and as a ServeMux pattern path.
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") || path == "/" || strings.HasSuffix(path, "/") {
		return fmt.Errorf("path %q: must start and must not end with %q", path, "/")
	}
	for seg := range strings.SplitSeq(path[1:], "/") {
		if seg == "" {
			return fmt.Errorf("path %q: empty segment", path)
		}
		if !strings.ContainsAny(seg, "{}") {
			continue
		}
		name, ok := strings.CutPrefix(seg, "{")
		name, ok2 := strings.CutSuffix(name, "}")
		if !ok || !ok2 || !isWildcardName(name) {
			return fmt.Errorf("path %q: segment %q must be a literal or a whole {parameter} named like a Go identifier", path, seg)
		}
	}
	return nil
}

// isWildcardName reports whether ServeMux accepts name as a wildcard name:
// a letter or underscore, then letters, digits or underscores.
func isWildcardName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		if !unicode.IsLetter(r) && r != '_' && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}
