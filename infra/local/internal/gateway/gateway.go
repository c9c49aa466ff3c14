// Package gateway is a local stand-in for an Amazon API Gateway HTTP API with
// Lambda proxy integrations (payload format 2.0) and a JWT authorizer.
//
// It mounts the routes of each bounded context from the context's OpenAPI
// document, turns every HTTP request into the events.APIGatewayV2HTTPRequest
// that API Gateway would send, invokes the context's Lambda handler in
// process and turns the handler's response back into HTTP. So `make dev`
// runs the code path that runs in AWS: the same Lambda handler, fed the same
// events.
//
// Like API Gateway it answers 404 {"message":"Not Found"} for unknown routes,
// 401 {"message":"Unauthorized"} for secured routes without a valid bearer
// token, 413 for bodies over 10 MB and 500 {"message":"Internal Server
// Error"} when a handler fails. Paths outside /v1/ can be served from a
// directory of static files instead, the way CloudFront serves the web app
// in AWS.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"example.com/quartet/packages/apigwevent"
	"example.com/quartet/packages/apispec"
	"example.com/quartet/packages/lambdahttp"
)

// MaxBodyBytes is the largest request body API Gateway HTTP APIs accept.
const MaxBodyBytes = 10 << 20

// apiPrefix starts every API path; other paths belong to the web app.
const apiPrefix = "/v1/"

// Verifier checks a bearer token the way an API Gateway JWT authorizer does
// (signature, issuer, audience, expiry) and returns its claims.
type Verifier interface {
	Verify(ctx context.Context, token string) (map[string]any, error)
}

// Context is one bounded context behind the gateway.
type Context struct {
	// Name identifies the context in errors and logs, such as "catalog".
	Name string
	// Spec is the context's OpenAPI document: the gateway mounts its routes.
	Spec []byte
	// Handler is the context's Lambda handler.
	Handler lambdahttp.Func
}

// Config configures New.
type Config struct {
	// Contexts are mounted together; no two may declare the same route.
	Contexts []Context
	// Verifier checks the bearer tokens of secured routes. It is required
	// when any route is secured.
	Verifier Verifier
	// Logger receives one line per request. Nil discards them.
	Logger *slog.Logger
	// WebDir, if not empty, is a directory of static files served for
	// every path outside /v1/, with index.html for paths that match no file
	// (a single-page app's client-side routes).
	WebDir string
	// Local, if not nil, serves every path under /_local/: make dev's own
	// endpoints, such as the local bus's dead letters, which exist in no
	// stage in AWS. Neither the API (/v1/) nor the web app is affected.
	Local http.Handler
}

// LocalPrefix starts the paths Config.Local serves.
const LocalPrefix = "/_local/"

// New returns a handler that serves the routes of cfg.Contexts. It returns an
// error if a document is invalid, if two routes collide, or if a route is
// secured and cfg.Verifier is nil.
func New(cfg Config) (http.Handler, error) {
	g := &gateway{verifier: cfg.Verifier, logger: cfg.Logger}
	if g.logger == nil {
		g.logger = slog.New(slog.DiscardHandler)
	}

	var web http.Handler
	if cfg.WebDir != "" {
		web = webApp(cfg.WebDir)
	}
	fallback := g.fallback(web)

	mux := http.NewServeMux()
	owners := make(map[string]string) // route key -> context name
	for _, c := range cfg.Contexts {
		if c.Handler == nil {
			return nil, fmt.Errorf("gateway: context %q has no handler", c.Name)
		}
		routes, err := apispec.Routes(c.Spec)
		if err != nil {
			return nil, fmt.Errorf("gateway: context %q: %w", c.Name, err)
		}
		for _, r := range routes {
			if owner, dup := owners[r.Key()]; dup {
				return nil, fmt.Errorf("gateway: route %q is declared by both %q and %q", r.Key(), owner, c.Name)
			}
			owners[r.Key()] = c.Name
			if r.Secured && g.verifier == nil {
				return nil, fmt.Errorf("gateway: context %q: route %q is secured but no Verifier is configured", c.Name, r.Key())
			}
			if err := handle(mux, r.Key(), g.route(c, r, fallback)); err != nil {
				return nil, fmt.Errorf("gateway: context %q: %w", c.Name, err)
			}
		}
	}

	mux.Handle("/", fallback)
	var local http.Handler
	if cfg.Local != nil {
		local = g.logged("", "", func(w http.ResponseWriter, r *http.Request, _ string) (int, error) {
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			cfg.Local.ServeHTTP(sw, r)
			return sw.status, nil
		})
	}
	unclean := g.logged("", "", func(w http.ResponseWriter, r *http.Request, _ string) (int, error) {
		return notFound(w, r), nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeMux answers a path with dot or empty segments with a 307
		// text/html redirect to its clean form; API Gateway matches the path
		// as sent, so no route has it.
		if !isClean(r.URL.EscapedPath()) {
			unclean.ServeHTTP(w, r)
			return
		}
		// Not in mux: it would redirect /_local to /_local/, a path of
		// the web app's.
		if local != nil && strings.HasPrefix(r.URL.Path, LocalPrefix) {
			local.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}), nil
}

// isClean reports whether p, an escaped request path, has no "." or ".."
// segments and no empty ones (a trailing slash aside).
func isClean(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// handle registers h for pattern, turning ServeMux's panic on conflicting
// patterns (such as /v1/{a}/x and /v1/x/{b}) into an error.
func handle(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("route %q: %v", pattern, p)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

type gateway struct {
	verifier Verifier
	logger   *slog.Logger
}

// route returns the handler of one route: it authorizes the request, builds
// the event, calls the context's Lambda handler and writes its response.
// Requests whose method differs go to fallback: ServeMux lets a GET pattern
// match HEAD requests, API Gateway does not.
func (g *gateway) route(c Context, r apispec.Route, fallback http.Handler) http.Handler {
	key := r.Key()
	params := paramNames(r.Path)
	h := g.logged(c.Name, key, func(w http.ResponseWriter, req *http.Request, requestID string) (int, error) {
		var (
			jwtClaims map[string]string // nil on public routes
			jwtScopes []string
		)
		if r.Secured {
			var err error
			if jwtClaims, jwtScopes, err = g.authorize(req); err != nil {
				return unauthorized(w, err), err
			}
		}

		event, err := newEvent(w, req, key, requestID, params, jwtClaims, jwtScopes)
		if errors.Is(err, errTooLarge) {
			return writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large"), err
		}
		if err != nil {
			return writeMessage(w, http.StatusBadRequest, "Bad Request"), err
		}

		resp, err := c.Handler(req.Context(), event)
		if err != nil {
			return writeMessage(w, http.StatusInternalServerError, "Internal Server Error"), fmt.Errorf("handler: %w", err)
		}
		return writeResponse(w, resp)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != r.Method {
			fallback.ServeHTTP(w, req)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// fallback serves the paths that match no route: unknown API paths get
// API Gateway's 404, every other path goes to web, if not nil.
func (g *gateway) fallback(web http.Handler) http.Handler {
	return g.logged("", "", func(w http.ResponseWriter, r *http.Request, _ string) (int, error) {
		if web == nil || strings.HasPrefix(r.URL.Path, apiPrefix) {
			return notFound(w, r), nil
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		web.ServeHTTP(sw, r)
		return sw.status, nil
	})
}

// logged wraps serve with the apigw-requestid header and one log line per
// request. serve returns the status it wrote and, if the request failed, why:
// the reason is logged, at level ERROR for 5xx statuses. The log line never
// includes headers, so no credentials reach the log.
func (g *gateway) logged(contextName, route string, serve func(http.ResponseWriter, *http.Request, string) (int, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := apigwevent.NewRequestID()
		w.Header().Set("Apigw-Requestid", id)
		status, err := serve(w, r, id)

		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", id),
		}
		if contextName != "" {
			// The context's handler takes the request id as the
			// correlation id of the events the request causes.
			attrs = append(attrs, slog.String("context", contextName), slog.String("correlation_id", id))
		}
		level := slog.LevelInfo
		if err != nil {
			attrs = append(attrs, slog.Any("error", err))
			if status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
		}
		g.logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// statusWriter records the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// notFound writes API Gateway's answer to a request that matches no route.
func notFound(w http.ResponseWriter, _ *http.Request) int {
	return writeMessage(w, http.StatusNotFound, "Not Found")
}

// writeMessage writes API Gateway's own error format, {"message":"..."}.
// message must need no JSON escaping.
func writeMessage(w http.ResponseWriter, status int, message string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, message)
	return status
}

// paramNames returns the names of the parameters of a path template, in
// order: "/v1/products/{id}" -> ["id"].
func paramNames(path string) []string {
	var names []string
	for seg := range strings.SplitSeq(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			names = append(names, strings.TrimSuffix(name, "}"))
		}
	}
	return names
}
