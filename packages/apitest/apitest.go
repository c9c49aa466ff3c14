// Package apitest drives a context's http.Handler the way it runs in AWS,
// and holds every response to the context's OpenAPI document.
//
// Do builds the API Gateway HTTP API event (payload format 2.0) that a
// request would become: route key and path parameters resolved from the
// document's routes, raw and parsed query, lower-case headers, cookies,
// body (base64 when binary), request context and, for a request with
// Claims, the JWT authorizer's claims. It passes the event through JSON, as
// the Lambda runtime does, invokes the handler through lambdahttp.Adapt,
// and validates the response against the operation: its status must be
// documented, and its headers, content type and body must match. A problem
// response's body must also repeat the response status.
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
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

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
	routes, err := apispec.Routes(spec)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &API{doc: doc, routes: routes, invoke: lambdahttp.Adapt(h)}
}

// Do sends req to the handler and returns its response, after failing t
// (without stopping it) if the response does not match the document. It
// stops t if no route of the document matches req, because API Gateway
// would answer such a request itself without invoking the handler.
func (api *API) Do(t testing.TB, req Request) *Response {
	t.Helper()
	rawPath, rawQuery, _ := strings.Cut(req.Path, "?")
	route, params, ok := api.match(req.Method, rawPath)
	if !ok {
		t.Fatalf("%s %s: no route of the OpenAPI document matches; API Gateway would answer 404 without invoking the handler", req.Method, req.Path)
	}

	event := newEvent(req, route.Key(), rawPath, rawQuery, params)
	var decoded events.APIGatewayV2HTTPRequest
	roundTrip(t, "event", event, &decoded)
	out, err := api.invoke(t.Context(), decoded)
	if err != nil {
		t.Fatalf("%s %s: handler: %v", req.Method, req.Path, err)
	}
	var resp events.APIGatewayV2HTTPResponse
	roundTrip(t, "response", out, &resp)
	res, err := newResponse(resp)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	if err := api.validate(t.Context(), route, params, res); err != nil {
		t.Errorf("%s %s: response %d does not match the OpenAPI document:\n%v\nbody: %s",
			req.Method, req.Path, res.Status, err, res.Body)
	}
	return res
}

// match returns the route that API Gateway would pick for a request and
// the values of its path parameters: among the routes whose template
// matches, the one with the most literal segments.
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
			if name, ok := strings.CutPrefix(seg, "{"); ok && segs[i] != "" {
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

// newEvent builds the event API Gateway sends for req on the route with
// key routeKey.
func newEvent(req Request, routeKey, rawPath, rawQuery string, params map[string]string) events.APIGatewayV2HTTPRequest {
	const host = "api.example.test"
	now := time.Now().UTC()
	headers := map[string]string{
		"host":              host,
		"user-agent":        "apitest",
		"x-forwarded-for":   "192.0.2.1",
		"x-forwarded-port":  "443",
		"x-forwarded-proto": "https",
	}
	if req.Body != "" {
		headers["content-type"] = "application/json"
		headers["content-length"] = fmt.Sprint(len(req.Body))
	}
	if req.Claims != nil {
		headers["authorization"] = "Bearer apitest.token.verified-by-the-authorizer"
	}
	var cookies []string
	for name, value := range req.Header {
		name = strings.ToLower(name)
		switch {
		case name == "cookie":
			for c := range strings.SplitSeq(value, ";") {
				if c = strings.TrimSpace(c); c != "" {
					cookies = append(cookies, c)
				}
			}
		case value == "":
			delete(headers, name)
		default:
			headers[name] = value
		}
	}

	event := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               rawPath,
		RawQueryString:        rawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: queryParameters(rawQuery),
		PathParameters:        params,
		Body:                  req.Body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    "123456789012",
			APIID:        "apitest",
			Stage:        "$default",
			RequestID:    rand.Text()[:16],
			DomainName:   host,
			DomainPrefix: "api",
			Time:         now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    req.Method,
				Path:      rawPath,
				Protocol:  "HTTP/1.1",
				SourceIP:  "192.0.2.1",
				UserAgent: headers["user-agent"],
			},
		},
	}
	if req.Body != "" && !isText(headers["content-type"]) {
		event.Body = base64.StdEncoding.EncodeToString([]byte(req.Body))
		event.IsBase64Encoded = true
	}
	if req.Claims != nil {
		event.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: maps.Clone(req.Claims)},
		}
	}
	return event
}

// queryParameters decodes a query string as API Gateway does: repeated
// values joined with commas, malformed pairs dropped, nil when empty.
func queryParameters(rawQuery string) map[string]string {
	values, _ := url.ParseQuery(rawQuery)
	if len(values) == 0 {
		return nil
	}
	q := make(map[string]string, len(values))
	for name, vs := range values {
		q[name] = strings.Join(vs, ",")
	}
	return q
}

// isText reports whether API Gateway passes a body of this content type as
// text; it base64-encodes every other body.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") ||
		slices.Contains([]string{"application/json", "application/xml", "application/javascript", "application/yaml"}, mt)
}

// newResponse converts a Lambda proxy response to the HTTP response API
// Gateway sends.
func newResponse(resp events.APIGatewayV2HTTPResponse) (*Response, error) {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return nil, fmt.Errorf("response body is not base64: %v", err)
		}
	}
	h := make(http.Header)
	for name, value := range resp.Headers {
		h.Add(name, value)
	}
	for name, values := range resp.MultiValueHeaders {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	return &Response{Status: resp.StatusCode, Header: h, Body: body}, nil
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
