// Package apitest drives a context's http.Handler the way it runs in AWS,
// and holds every response to the context's OpenAPI document.
//
// Do builds the API Gateway HTTP API event (payload format 2.0) that a
// request would become, by the same rules as the local gateway
// (packages/apigwevent): route key and path parameters resolved from the
// document's routes, raw and parsed query, lower-case headers, cookies,
// body (base64 unless apigwevent.IsText), request context and, for a
// request with Claims, the JWT authorizer's claims. It passes the event
// through JSON, as the Lambda runtime does, invokes the handler through
// lambdahttp.Adapt, and validates the response against the operation: its
// status must be documented, and its headers, content type and body must
// match. A problem response's body must also repeat the response status.
//
//	api := apitest.New(t, spec, handler)
//	res := api.Do(t, apitest.Request{
//		Method: "POST", Path: "/v1/products", Body: `{"sku":"MUG-1"}`, Claims: apitest.Admin,
//	})
//	if res.Status != http.StatusUnprocessableEntity { ... }
//
// CheckRoutes checks that a handler serves exactly the document's routes.
package apitest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"example.com/quartet/packages/apigwevent"
	"example.com/quartet/packages/apispec"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/packages/problem"
)

// Claims are the verified claims of a caller's token as API Gateway's JWT
// authorizer passes them: every value a string, lists flattened to "[a b]".
type Claims map[string]string

// Caller returns the claims of a token for subject with roles.
func Caller(subject string, roles ...string) Claims {
	return Claims{"sub": subject, "roles": "[" + strings.Join(roles, " ") + "]"}
}

// Callers for the common cases. Do copies claims into each event, so the
// handler cannot change these.
var (
	Admin    = Caller("admin-1", "admin")
	Customer = Caller("customer-1", "customer")
)

// Request is an HTTP request as a client sends it to API Gateway.
type Request struct {
	Method string
	// Path is the escaped path with an optional query string, such as
	// "/v1/products?category=kitchen&limit=5".
	Path string
	// Header holds request headers; names may have any case. Content-Type
	// defaults to application/json when Body is not empty; set it to "" to
	// send none. A Cookie header becomes the event's cookies.
	Header map[string]string
	Body   string
	// Claims are the caller's verified claims; nil sends no token.
	Claims Claims
}

// Response is the HTTP response API Gateway would send to the client.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the response body into v, failing t if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode response body %q: %v", r.Body, err)
	}
}

// Problem decodes the response as a problem, failing t if it is not one.
func (r *Response) Problem(t testing.TB) problem.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("response %d has Content-Type %q, want %s; body: %s", r.Status, ct, problem.ContentType, r.Body)
	}
	var p problem.Problem
	r.JSON(t, &p)
	return p
}

// API invokes one handler as the Lambda function behind the routes of one
// OpenAPI document.
type API struct {
	doc    *openapi3.T
	routes []apispec.Route
	invoke lambdahttp.Func
}

// New returns an API serving the routes of spec, an OpenAPI document, with
// h. It fails t if the document is invalid.
func New(t testing.TB, spec []byte, h http.Handler) *API {
	t.Helper()
	return NewFunc(t, spec, lambdahttp.Adapt(h))
}

// NewFunc is New for a Lambda function rather than a handler, such as a
// bootstrap running under the Runtime Interface Emulator
// (packages/lambdarie).
func NewFunc(t testing.TB, spec []byte, invoke lambdahttp.Func) *API {
	t.Helper()
	routes, err := apispec.Routes(spec)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &API{doc: doc, routes: routes, invoke: invoke}
}

// Do sends req to the handler and returns its response, after failing t
// (without stopping it) if the response does not match the document; a
// status the operation does not document fails, redirects included. It
// stops t if no route of the document matches req, because API Gateway
// would answer such a request itself without invoking the handler.
func (api *API) Do(t testing.TB, req Request) *Response {
	t.Helper()
	rawPath, _, _ := strings.Cut(req.Path, "?")
	route, params, ok := api.match(req.Method, rawPath)
	if !ok {
		t.Fatalf("%s %s: no route of the OpenAPI document matches; API Gateway would answer 404 without invoking the handler", req.Method, shorten(req.Path))
	}

	res := api.send(t, req, route.Key(), params)
	if err := api.validate(t.Context(), route, params, res); err != nil {
		t.Errorf("%s %s: response %d does not match the OpenAPI document:\n%v\nbody: %s",
			req.Method, shorten(req.Path), res.Status, err, shorten(string(res.Body)))
	}
	return res
}

// send passes req to the handler as the event of the route with key
// routeKey and returns the response API Gateway would send.
func (api *API) send(t testing.TB, req Request, routeKey string, params map[string]string) *Response {
	t.Helper()
	event, err := newEvent(t.Context(), req, routeKey, params)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, shorten(req.Path), err)
	}
	var decoded events.APIGatewayV2HTTPRequest
	roundTrip(t, "event", event, &decoded)
	out, err := api.invoke(t.Context(), decoded)
	if err != nil {
		t.Fatalf("%s %s: handler: %v", req.Method, shorten(req.Path), err)
	}
	var resp events.APIGatewayV2HTTPResponse
	roundTrip(t, "response", out, &resp)
	res, err := newResponse(resp)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, shorten(req.Path), err)
	}
	return res
}

// match returns the route that API Gateway would pick for a request and
// the values of its path parameters: among the routes whose template
// matches, the one with the most literal segments. A dot segment ("." or
// "..") fills no parameter: clients remove such segments (RFC 3986,
// section 5.2.4), and which route API Gateway picks for one that reaches
// it is not documented, so no document can say what the answer is.
func (api *API) match(method, rawPath string) (apispec.Route, map[string]string, bool) {
	var (
		best       apispec.Route
		bestParams map[string]string
		bestScore  = -1
	)
	segs := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	for _, r := range api.routes {
		if r.Method != method {
			continue
		}
		tmpl := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
		if len(tmpl) != len(segs) {
			continue
		}
		params, score := map[string]string{}, 0
		for i, seg := range tmpl {
			if name, ok := strings.CutPrefix(seg, "{"); ok && segs[i] != "" && segs[i] != "." && segs[i] != ".." {
				value, err := url.PathUnescape(segs[i])
				if err != nil {
					value = segs[i]
				}
				params[strings.TrimSuffix(name, "}")] = value
				continue
			}
			if seg != segs[i] {
				score = -1
				break
			}
			score++
		}
		if score > bestScore {
			best, bestParams, bestScore = r, params, score
		}
	}
	if len(bestParams) == 0 {
		bestParams = nil
	}
	return best, bestParams, bestScore >= 0
}

// validate checks res against the operation of route in the document.
func (api *API) validate(ctx context.Context, route apispec.Route, params map[string]string, res *Response) error {
	item := api.doc.Paths.Value(route.Path)
	req, err := http.NewRequestWithContext(ctx, route.Method, route.Path, nil)
	if err != nil {
		return err
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route: &routers.Route{
				Spec: api.doc, Path: route.Path, PathItem: item,
				Method: route.Method, Operation: item.GetOperation(route.Method),
			},
		},
		Status: res.Status,
		Header: res.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			// Name the offending member; the body follows in the failure.
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	input.SetBodyBytes(res.Body)
	// openapi3filter lets 301, 304, 307 and 308 through unchecked; the
	// handler must document them like any other status.
	if responses := input.RequestValidationInput.Route.Operation.Responses; responses.Status(res.Status) == nil && responses.Default() == nil {
		return fmt.Errorf("status is not supported: %s does not document %d", route.Key(), res.Status)
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt == problem.ContentType {
		var p struct{ Status int }
		if err := json.Unmarshal(res.Body, &p); err != nil || p.Status != res.Status {
			return fmt.Errorf("problem status %d differs from the response status", p.Status)
		}
	}
	return nil
}

// The request context of every event: API Gateway's test account and an
// API served at https://api.example.test, called from 192.0.2.1.
const (
	host       = "api.example.test"
	remoteAddr = "192.0.2.1:49152"
	accountID  = "123456789012"
	apiID      = "apitest"
)

// newEvent builds the event API Gateway sends for req on the route with
// key routeKey: it turns req into the HTTP request a client sends to
// https://api.example.test and converts that with apigwevent.Request.
func newEvent(ctx context.Context, req Request, routeKey string, params map[string]string) (events.APIGatewayV2HTTPRequest, error) {
	r, err := http.NewRequestWithContext(ctx, req.Method, "https://"+host+req.Path, strings.NewReader(req.Body))
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, err
	}
	r.RemoteAddr = remoteAddr
	r.TLS = &tls.ConnectionState{HandshakeComplete: true, Version: tls.VersionTLS13}
	r.Header.Set("User-Agent", "apitest")
	if req.Body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.Claims != nil {
		r.Header.Set("Authorization", "Bearer apitest.token.verified-by-the-authorizer")
	}
	for name, value := range req.Header {
		if value == "" {
			r.Header.Del(name)
			continue
		}
		r.Header.Set(name, value)
	}
	return apigwevent.Request(r, routeKey, params, apigwevent.RequestContext{
		AccountID: accountID,
		APIID:     apiID,
		Claims:    req.Claims,
	})
}

// newResponse converts a Lambda proxy response to the HTTP response API
// Gateway sends.
func newResponse(resp events.APIGatewayV2HTTPResponse) (*Response, error) {
	w := httptest.NewRecorder()
	if err := apigwevent.WriteResponse(w, resp); err != nil {
		return nil, fmt.Errorf("API Gateway would answer 500: %v", err)
	}
	res := w.Result()
	return &Response{Status: res.StatusCode, Header: res.Header, Body: w.Body.Bytes()}, nil
}

// roundTrip passes v through JSON into dst, as the Lambda runtime passes
// events and responses.
func roundTrip(t testing.TB, what string, v, dst any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, dst)
	}
	if err != nil {
		t.Fatalf("%s through JSON: %v", what, err)
	}
}

// CheckRoutes fails t unless patterns, the ServeMux patterns a handler
// registers ("GET /v1/products/{id}"), are exactly the route keys of spec.
func CheckRoutes(t testing.TB, spec []byte, patterns []string) {
	t.Helper()
	routes, err := apispec.Routes(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]bool, len(routes))
	for _, r := range routes {
		want[r.Key()] = true
	}
	var missing, extra []string
	served := make(map[string]bool, len(patterns))
	for _, p := range patterns {
		served[p] = true
		if !want[p] {
			extra = append(extra, p)
		}
	}
	for key := range want {
		if !served[key] {
			missing = append(missing, key)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if missing != nil {
		t.Errorf("in the OpenAPI document but not served by the handler:\n\t%s", strings.Join(missing, "\n\t"))
	}
	if extra != nil {
		t.Errorf("served by the handler but not in the OpenAPI document:\n\t%s", strings.Join(extra, "\n\t"))
	}
}
