package gateway_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/golang-jwt/jwt/v5"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/packages/lambdahttp"
)

// echoSpec is secured by default, with public overrides.
const echoSpec = `
openapi: 3.0.3
info: {title: echo, version: "1"}
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
paths:
  /v1/things:
    post:
      security: []
      responses: {"201": {description: created}}
  /v1/things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      security: []
      responses: {"200": {description: ok}}
    put:
      responses: {"200": {description: ok}}
  /v1/me:
    get:
      responses: {"200": {description: ok}}
  /v1/blob:
    get:
      security: []
      responses: {"200": {description: ok}}
`

// echoed is what the echo handler saw, as an http.Handler behind
// lambdahttp.Adapt.
type echoed struct {
	Method   string
	Path     string
	RawQuery string
	ID       string
	Header   http.Header
	Cookies  []string
	Body     []byte

	HasGatewayContext bool
	RouteKey          string
	RequestID         string
	Authorizer        *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
}

// echo answers every route of echoSpec with what it saw. It also sets a
// repeated header and a cookie, and GET /v1/blob returns binary data.
func echo() http.Handler {
	mux := http.NewServeMux()
	reply := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			e := echoed{
				Method:   r.Method,
				Path:     r.URL.Path,
				RawQuery: r.URL.RawQuery,
				ID:       r.PathValue("id"),
				Header:   r.Header,
				Body:     body,
			}
			for _, c := range r.Cookies() {
				e.Cookies = append(e.Cookies, c.Name+"="+c.Value)
			}
			if rc, ok := lambdahttp.RequestContext(r.Context()); ok {
				e.HasGatewayContext = true
				e.RouteKey = rc.RouteKey
				e.RequestID = rc.RequestID
				e.Authorizer = rc.Authorizer
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Add("X-Echo", "one")
			w.Header().Add("X-Echo", "two")
			http.SetCookie(w, &http.Cookie{Name: "seen", Value: "yes", Path: "/"})
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(e)
		}
	}
	mux.Handle("POST /v1/things", reply(http.StatusCreated))
	mux.Handle("GET /v1/things/{id}", reply(http.StatusOK))
	mux.Handle("PUT /v1/things/{id}", reply(http.StatusOK))
	mux.Handle("GET /v1/me", reply(http.StatusOK))
	mux.HandleFunc("GET /v1/blob", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(blob)
	})
	return mux
}

// blob is not valid UTF-8, so the adapter returns it base64-encoded.
var blob = []byte{0xff, 0xfe, 0x00, 0x01, 0x80}

// recorder records the events a Lambda handler receives.
type recorder struct {
	mu     sync.Mutex
	events []events.APIGatewayV2HTTPRequest
}

func (rec *recorder) wrap(f lambdahttp.Func) lambdahttp.Func {
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		rec.mu.Lock()
		rec.events = append(rec.events, e)
		rec.mu.Unlock()
		return f(ctx, e)
	}
}

func (rec *recorder) calls() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.events)
}

func (rec *recorder) last(t *testing.T) events.APIGatewayV2HTTPRequest {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.events) == 0 {
		t.Fatal("the handler was not called")
	}
	return rec.events[len(rec.events)-1]
}

// fixture is a gateway in front of the echo handler, over real HTTP.
type fixture struct {
	url    string
	rec    *recorder
	issuer *testIssuer
	log    *bytes.Buffer
}

func newFixture(t *testing.T, webDir string) *fixture {
	t.Helper()
	f := &fixture{rec: &recorder{}, issuer: newTestIssuer(t), log: &bytes.Buffer{}}
	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: f.issuer.url, Audience: []string{testAudience}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := gateway.New(gateway.Config{
		Contexts: []gateway.Context{{Name: "echo", Spec: []byte(echoSpec), Handler: f.rec.wrap(lambdahttp.Adapt(echo()))}},
		Verifier: verifier,
		Logger:   slog.New(slog.NewJSONHandler(&lockedWriter{w: f.log}, nil)),
		WebDir:   webDir,
	})
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// do sends a request and returns the response with its body read.
func (f *fixture) do(t *testing.T, method, path string, body []byte, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = nil
		req.ContentLength = 0
	}
	for name, values := range header {
		req.Header[name] = values
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, b
}

func decodeEcho(t *testing.T, body []byte) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("decode echo response %q: %v", body, err)
	}
	return e
}

func TestRequestEvent(t *testing.T) {
	f := newFixture(t, "")
	header := http.Header{
		"User-Agent": {"quartet-test/1"},
		"X-Multi":    {"a", "b"},
		"Cookie":     {"a=1; b=2", "c=3"},
	}
	resp, body := f.do(t, http.MethodGet, "/v1/things/caf%C3%A9%2F1?tag=x&tag=y&q=hello+world&empty=", nil, header)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}
	e := f.rec.last(t)

	checks := []struct {
		name      string
		got, want any
	}{
		{"version", e.Version, "2.0"},
		{"routeKey", e.RouteKey, "GET /v1/things/{id}"},
		{"rawPath", e.RawPath, "/v1/things/caf%C3%A9%2F1"},
		{"rawQueryString", e.RawQueryString, "tag=x&tag=y&q=hello+world&empty="},
		{"cookies", e.Cookies, []string{"a=1", "b=2", "c=3"}},
		{"queryStringParameters", e.QueryStringParameters, map[string]string{"tag": "x,y", "q": "hello world", "empty": ""}},
		{"pathParameters", e.PathParameters, map[string]string{"id": "café/1"}},
		{"headers[x-multi]", e.Headers["x-multi"], "a,b"},
		{"headers[user-agent]", e.Headers["user-agent"], "quartet-test/1"},
		{"headers[host]", e.Headers["host"], strings.TrimPrefix(f.url, "http://")},
		{"headers[x-forwarded-for]", e.Headers["x-forwarded-for"], "127.0.0.1"},
		{"headers[x-forwarded-proto]", e.Headers["x-forwarded-proto"], "http"},
		{"headers has cookie", hasKey(e.Headers, "cookie"), false},
		{"body", e.Body, ""},
		{"isBase64Encoded", e.IsBase64Encoded, false},
		{"requestContext.routeKey", e.RequestContext.RouteKey, "GET /v1/things/{id}"},
		{"requestContext.stage", e.RequestContext.Stage, "$default"},
		{"requestContext.accountId set", e.RequestContext.AccountID != "", true},
		{"requestContext.apiId set", e.RequestContext.APIID != "", true},
		{"requestContext.domainName", e.RequestContext.DomainName, strings.TrimPrefix(f.url, "http://")},
		{"requestContext.domainPrefix", e.RequestContext.DomainPrefix, "127"},
		{"requestContext.http.method", e.RequestContext.HTTP.Method, "GET"},
		{"requestContext.http.path", e.RequestContext.HTTP.Path, "/v1/things/caf%C3%A9%2F1"},
		{"requestContext.http.protocol", e.RequestContext.HTTP.Protocol, "HTTP/1.1"},
		{"requestContext.http.sourceIp", e.RequestContext.HTTP.SourceIP, "127.0.0.1"},
		{"requestContext.http.userAgent", e.RequestContext.HTTP.UserAgent, "quartet-test/1"},
		{"requestContext.requestId = apigw-requestid", e.RequestContext.RequestID, resp.Header.Get("Apigw-Requestid")},
		{"requestContext.authorizer", e.RequestContext.Authorizer, (*events.APIGatewayV2HTTPRequestContextAuthorizerDescription)(nil)},
	}
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	for _, name := range slices.Collect(maps.Keys(e.Headers)) {
		if name != strings.ToLower(name) {
			t.Errorf("header name %q is not lower-case", name)
		}
	}

	when, err := time.Parse("02/Jan/2006:15:04:05 -0700", e.RequestContext.Time)
	if err != nil {
		t.Errorf("requestContext.time %q is not in API Gateway's format: %v", e.RequestContext.Time, err)
	}
	if epoch := time.UnixMilli(e.RequestContext.TimeEpoch).Truncate(time.Second); !epoch.Equal(when) {
		t.Errorf("requestContext.timeEpoch %d (%v) and time %q disagree", e.RequestContext.TimeEpoch, epoch, e.RequestContext.Time)
	}

	// The handler behind the adapter sees the same request.
	got := decodeEcho(t, body)
	if got.ID != "café/1" || got.Path != "/v1/things/café/1" {
		t.Errorf("handler saw path %q with id %q, want /v1/things/café/1 with id café/1", got.Path, got.ID)
	}
	if got.RawQuery != e.RawQueryString {
		t.Errorf("handler saw query %q, want %q", got.RawQuery, e.RawQueryString)
	}
	if want := []string{"a=1", "b=2", "c=3"}; !slices.Equal(got.Cookies, want) {
		t.Errorf("handler saw cookies %q, want %q", got.Cookies, want)
	}
	if !got.HasGatewayContext || got.RouteKey != "GET /v1/things/{id}" || got.RequestID != e.RequestContext.RequestID {
		t.Errorf("handler saw API Gateway context %v, route %q, request id %q; want true, %q, %q",
			got.HasGatewayContext, got.RouteKey, got.RequestID, "GET /v1/things/{id}", e.RequestContext.RequestID)
	}
}

func TestResponse(t *testing.T) {
	f := newFixture(t, "")
	resp, _ := f.do(t, http.MethodGet, "/v1/things/1", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("X-Echo"); got != "one,two" {
		t.Errorf("X-Echo = %q, want %q", got, "one,two")
	}
	if got := resp.Header.Values("Set-Cookie"); !slices.Equal(got, []string{"seen=yes; Path=/"}) {
		t.Errorf("Set-Cookie = %q, want [seen=yes; Path=/]", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}

	resp, body := f.do(t, http.MethodGet, "/v1/blob", nil, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, blob) {
		t.Errorf("GET /v1/blob = %d %x, want 200 %x (base64 response decoded)", resp.StatusCode, body, blob)
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	f := newFixture(t, "")
	seen := make(map[string]bool)
	for range 50 {
		resp, _ := f.do(t, http.MethodGet, "/v1/things/1", nil, nil)
		id := resp.Header.Get("Apigw-Requestid")
		if id == "" || seen[id] {
			t.Fatalf("apigw-requestid %q is empty or repeated", id)
		}
		seen[id] = true
	}
}

func TestRequestBody(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        []byte
		wantBase64  bool
	}{
		// Which content types are text is apigwevent's rule, tested there;
		// these cases check that bodies of both kinds reach the handler.
		{"json with charset", "application/json; charset=utf-8", []byte(`{"name":"thé"}`), false},
		{"binary", "application/octet-stream", []byte{0, 1, 2, 0xff}, true},
		{"form", "application/x-www-form-urlencoded", []byte("a=1&b=2"), true},
		{"no content type", "", []byte("mystery"), true},
	}
	f := newFixture(t, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.contentType != "" {
				header.Set("Content-Type", tt.contentType)
			}
			resp, body := f.do(t, http.MethodPost, "/v1/things", tt.body, header)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status = %d, want 201; body %s", resp.StatusCode, body)
			}
			if e := f.rec.last(t); e.IsBase64Encoded != tt.wantBase64 {
				t.Errorf("isBase64Encoded = %v, want %v (body %q)", e.IsBase64Encoded, tt.wantBase64, e.Body)
			}
			if got := decodeEcho(t, body).Body; !bytes.Equal(got, tt.body) {
				t.Errorf("handler got body %q, want %q", got, tt.body)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, "")
	header := http.Header{"Content-Type": {"application/octet-stream"}}

	resp, _ := f.do(t, http.MethodPost, "/v1/things", make([]byte, gateway.MaxBodyBytes), header)
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("body of exactly %d bytes: status = %d, want 201", gateway.MaxBodyBytes, resp.StatusCode)
	}

	calls := f.rec.calls()
	resp, body := f.do(t, http.MethodPost, "/v1/things", make([]byte, gateway.MaxBodyBytes+1), header)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body of %d bytes: status = %d, want 413", gateway.MaxBodyBytes+1, resp.StatusCode)
	}
	if want := `{"message":"Request Entity Too Large"}`; string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
	if f.rec.calls() != calls {
		t.Error("the handler was called for a body over the limit")
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct{ method, path string }{
		{http.MethodGet, "/v1/nothing"},
		{http.MethodGet, "/v1/things"},           // only POST is declared
		{http.MethodDelete, "/v1/things/1"},      // method not declared
		{http.MethodHead, "/v1/things/1"},        // API Gateway does not map HEAD to GET
		{http.MethodGet, "/v1/things/1/extra"},   // too many segments
		{http.MethodGet, "/"},                    // no web app
		{http.MethodGet, "/products/42"},         // no web app
		{http.MethodPost, "/v1/things/1?x=/v1/"}, // method not declared
		// ServeMux would redirect these to /v1/things/1 with a 307 text/html;
		// API Gateway has no route for them.
		{http.MethodGet, "/v1/things/../things/1"},
		{http.MethodGet, "/v1/things/%2E%2E/things/1"},
		{http.MethodGet, "/v1/things/./1"},
		{http.MethodGet, "/v1//things/1"},
		{http.MethodGet, "//v1/things/1"},
		{http.MethodGet, "/v1/things/1/.."},
		{http.MethodGet, "/products/../v1/things/1"},
	}
	f := newFixture(t, "")
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := f.do(t, tt.method, tt.path, nil, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", resp.StatusCode)
			}
			if want := `{"message":"Not Found"}`; tt.method != http.MethodHead && string(body) != want {
				t.Errorf("body = %s, want %s", body, want)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			if resp.Header.Get("Apigw-Requestid") == "" {
				t.Error("no apigw-requestid header")
			}
		})
	}
	if n := f.rec.calls(); n != 0 {
		t.Errorf("the handler was called %d times for unknown routes", n)
	}
}

func TestUnauthorized(t *testing.T) {
	f := newFixture(t, "")
	now := time.Now()
	otherKey, otherKid := newKey(t)
	other := newTestIssuer(t)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, kid := f.issuer.key, f.issuer.kid

	valid := func(claims jwt.MapClaims) jwt.MapClaims { return f.issuer.claims("u1", now, claims) }
	good := sign(t, jwt.SigningMethodRS256, key, kid, valid(nil))
	dot := strings.LastIndex(good, ".")
	tamperedPayload := sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"roles": []string{"admin"}}))
	tampered := tamperedPayload[:dot] + good[dot:] // other claims, the first token's signature

	tests := []struct {
		name          string
		authorization string
		wantChallenge string
	}{
		{"missing", "", "Bearer"},
		{"empty bearer", "Bearer ", "Bearer"},
		{"garbage", "Bearer not-a-jwt", `Bearer error="invalid_token"`},
		{"other scheme", "Basic dXNlcjpwYXNz", `Bearer error="invalid_token"`},
		{"bad signature", "Bearer " + sign(t, jwt.SigningMethodRS256, otherKey, kid, valid(nil)), `Bearer error="invalid_token"`},
		{"tampered claims", "Bearer " + tampered, `Bearer error="invalid_token"`},
		{"unknown key", "Bearer " + sign(t, jwt.SigningMethodRS256, otherKey, otherKid, valid(nil)), `Bearer error="invalid_token"`},
		{"no key id", "Bearer " + sign(t, jwt.SigningMethodRS256, key, "", valid(nil)), `Bearer error="invalid_token"`},
		{"other issuer's token", "Bearer " + other.token(t, "u1", []string{"customer"}, now), `Bearer error="invalid_token"`},
		{"expired", "Bearer " + f.issuer.token(t, "u1", []string{"customer"}, now.Add(-time.Hour)), `Bearer error="invalid_token"`},
		{"not yet valid", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()})), `Bearer error="invalid_token"`},
		{"issued in the future", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"iat": now.Add(time.Hour).Unix()})), `Bearer error="invalid_token"`},
		{"wrong audience", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"aud": "someone-else"})), `Bearer error="invalid_token"`},
		{"no audience", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"aud": nil})), `Bearer error="invalid_token"`},
		{"wrong issuer", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"iss": "evil"})), `Bearer error="invalid_token"`},
		{"no expiry", "Bearer " + sign(t, jwt.SigningMethodRS256, key, kid, valid(jwt.MapClaims{"exp": nil})), `Bearer error="invalid_token"`},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, valid(nil)), `Bearer error="invalid_token"`},
		{"alg HS256 keyed with the public key's PEM", "Bearer " + sign(t, jwt.SigningMethodHS256, publicPEM(t, key), kid, valid(nil)), `Bearer error="invalid_token"`},
		{"alg HS256 keyed with the modulus", "Bearer " + sign(t, jwt.SigningMethodHS256, key.N.Bytes(), kid, valid(nil)), `Bearer error="invalid_token"`},
		{"alg RS384 with a key published for RS256", "Bearer " + sign(t, jwt.SigningMethodRS384, key, kid, valid(nil)), `Bearer error="invalid_token"`},
		{"alg PS256 (RSA-PSS)", "Bearer " + sign(t, jwt.SigningMethodPS256, key, kid, valid(nil)), `Bearer error="invalid_token"`},
		{"alg EdDSA, as tokens were before RS256", "Bearer " + sign(t, jwt.SigningMethodEdDSA, edKey, "ed25519-1", valid(nil)), `Bearer error="invalid_token"`},
		{"alg ES256", "Bearer " + sign(t, jwt.SigningMethodES256, ecKey, "ec-1", valid(nil)), `Bearer error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.authorization != "" {
				header.Set("Authorization", tt.authorization)
			}
			for _, path := range []string{"/v1/me", "/v1/things/1"} {
				method := http.MethodGet
				if path == "/v1/things/1" {
					method = http.MethodPut
				}
				calls := f.rec.calls()
				resp, body := f.do(t, method, path, []byte("{}"), header)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("%s %s: status = %d, want 401; body %s", method, path, resp.StatusCode, body)
				}
				if want := `{"message":"Unauthorized"}`; string(body) != want {
					t.Errorf("%s %s: body = %s, want %s", method, path, body, want)
				}
				if got := resp.Header.Get("Www-Authenticate"); got != tt.wantChallenge {
					t.Errorf("%s %s: www-authenticate = %q, want %q", method, path, got, tt.wantChallenge)
				}
				if f.rec.calls() != calls {
					t.Errorf("%s %s: the handler was called without a valid token", method, path)
				}
			}
		})
	}
	if strings.Contains(f.log.String(), "Bearer") || strings.Contains(f.log.String(), "eyJ") {
		t.Errorf("the log contains a bearer token:\n%s", f.log.String())
	}
}

func TestAuthorized(t *testing.T) {
	f := newFixture(t, "")
	token := f.issuer.token(t, "user-1", []string{"admin", "customer"}, time.Now())
	for _, authorization := range []string{"Bearer " + token, "bearer " + token, token} {
		resp, body := f.do(t, http.MethodGet, "/v1/me", nil, http.Header{"Authorization": {authorization}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("Authorization %.12q...: status = %d, want 200; body %s", authorization, resp.StatusCode, body)
		}
		got := decodeEcho(t, body)
		if got.Authorizer == nil || got.Authorizer.JWT == nil {
			t.Fatalf("handler saw authorizer %+v, want JWT claims", got.Authorizer)
		}
		claims := got.Authorizer.JWT.Claims
		for name, want := range map[string]string{"sub": "user-1", "roles": "[admin customer]", "iss": f.issuer.url, "aud": testAudience} {
			if claims[name] != want {
				t.Errorf("claim %s = %q, want %q (all claims %v)", name, claims[name], want, claims)
			}
		}
		if got.Header.Get("Authorization") != authorization {
			t.Errorf("handler saw Authorization %q, want it passed through", got.Header.Get("Authorization"))
		}
	}
	if strings.Contains(f.log.String(), token) {
		t.Errorf("the log contains the bearer token:\n%s", f.log.String())
	}
}

func TestPublicRouteIgnoresTokens(t *testing.T) {
	f := newFixture(t, "")
	token := f.issuer.token(t, "user-1", nil, time.Now())
	for _, authorization := range []string{"Bearer " + token, "Bearer not-a-jwt"} {
		resp, body := f.do(t, http.MethodGet, "/v1/things/1", nil, http.Header{"Authorization": {authorization}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
		}
		if a := f.rec.last(t).RequestContext.Authorizer; a != nil {
			t.Errorf("public route got authorizer %+v, want none", a)
		}
	}
}

// claimsVerifier accepts any token and returns fixed claims.
type claimsVerifier map[string]any

func (v claimsVerifier) Verify(context.Context, string) (map[string]any, error) { return v, nil }

func TestClaimsFlattening(t *testing.T) {
	tests := []struct {
		name       string
		claims     map[string]any
		wantClaims map[string]string
		wantScopes []string
	}{
		{
			name: "types",
			claims: map[string]any{
				"sub": "u1", "exp": float64(1700000000), "ratio": 0.5, "big": json.Number("12345678901234567890"),
				"admin": true, "guest": false, "roles": []any{"admin", "customer"}, "none": []any{},
				"nested": map[string]any{"a": 1.0},
			},
			wantClaims: map[string]string{
				"sub": "u1", "exp": "1700000000", "ratio": "0.5", "big": "12345678901234567890",
				"admin": "true", "guest": "false", "roles": "[admin customer]", "none": "[]",
				"nested": `{"a":1}`,
			},
		},
		{
			name:       "scope claim",
			claims:     map[string]any{"scope": "catalog:read catalog:write"},
			wantClaims: map[string]string{"scope": "catalog:read catalog:write"},
			wantScopes: []string{"catalog:read", "catalog:write"},
		},
		{
			name:       "scp claim",
			claims:     map[string]any{"scp": []any{"orders:read"}},
			wantClaims: map[string]string{"scp": "[orders:read]"},
			wantScopes: []string{"orders:read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h, err := gateway.New(gateway.Config{
				Contexts: []gateway.Context{{Name: "echo", Spec: []byte(echoSpec), Handler: rec.wrap(lambdahttp.Adapt(echo()))}},
				Verifier: claimsVerifier(tt.claims),
			})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/v1/me", nil)
			req.Header.Set("Authorization", "Bearer anything")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", w.Code, w.Body)
			}
			a := rec.last(t).RequestContext.Authorizer
			if a == nil || a.JWT == nil {
				t.Fatalf("authorizer = %+v, want JWT claims", a)
			}
			if !maps.Equal(a.JWT.Claims, tt.wantClaims) {
				t.Errorf("claims = %v, want %v", a.JWT.Claims, tt.wantClaims)
			}
			if !slices.Equal(a.JWT.Scopes, tt.wantScopes) {
				t.Errorf("scopes = %q, want %q", a.JWT.Scopes, tt.wantScopes)
			}
		})
	}
}

func TestHandlerFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler lambdahttp.Func
	}{
		{"error", func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return events.APIGatewayV2HTTPResponse{}, errors.New("boom")
		}},
		{"no status", func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return events.APIGatewayV2HTTPResponse{Body: "hi"}, nil
		}},
		{"bad base64", func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			h, err := gateway.New(gateway.Config{
				Contexts: []gateway.Context{{Name: "echo", Spec: []byte(echoSpec), Handler: tt.handler}},
				Verifier: claimsVerifier{},
				Logger:   slog.New(slog.NewTextHandler(&log, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/things/1", nil))
			if w.Code != http.StatusInternalServerError || w.Body.String() != `{"message":"Internal Server Error"}` {
				t.Errorf("response = %d %s, want 500 {\"message\":\"Internal Server Error\"}", w.Code, w.Body)
			}
			if !strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("the failure was not logged as an error:\n%s", log.String())
			}
		})
	}
}

func TestRequestLog(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		path      string
		want      map[string]any
		wantError bool
	}{
		{
			name: "public route", method: http.MethodGet, path: "/v1/things/7",
			want: map[string]any{"level": "INFO", "method": "GET", "path": "/v1/things/7", "route": "GET /v1/things/{id}", "context": "echo", "status": 200.0},
		},
		{
			name: "rejected token", method: http.MethodGet, path: "/v1/me",
			want:      map[string]any{"level": "INFO", "route": "GET /v1/me", "status": 401.0},
			wantError: true,
		},
		{
			name: "unknown route", method: http.MethodGet, path: "/v1/nothing",
			want: map[string]any{"route": "", "status": 404.0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "")
			resp, _ := f.do(t, tt.method, tt.path, nil, http.Header{"Authorization": {"Bearer secret-token"}})

			var line map[string]any
			if err := json.Unmarshal(f.log.Bytes(), &line); err != nil {
				t.Fatalf("want exactly one JSON log line, got %q: %v", f.log.String(), err)
			}
			tt.want["msg"] = "request"
			tt.want["request_id"] = resp.Header.Get("Apigw-Requestid")
			if tt.want["context"] != nil {
				tt.want["correlation_id"] = resp.Header.Get("Apigw-Requestid")
			}
			for name, value := range tt.want {
				if line[name] != value {
					t.Errorf("log field %s = %v, want %v", name, line[name], value)
				}
			}
			if _, ok := line["duration"]; !ok {
				t.Error("log line has no duration")
			}
			if _, ok := line["error"]; ok != tt.wantError {
				t.Errorf("log line has an error field: %v, want %v", ok, tt.wantError)
			}
			if strings.Contains(f.log.String(), "secret-token") {
				t.Errorf("log line contains the Authorization header: %s", f.log.String())
			}
		})
	}
}

func TestWebApp(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":           "<html>app</html>",
		"assets/app.js":        "console.log('app')",
		"docs/index.html":      "<html>docs</html>",
		"openapi/catalog.yaml": "openapi: 3.0.3",
		".env":                 "SECRET=1",
		"assets/.hidden/x":     "hidden",
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, dir)

	const (
		immutable = "public, max-age=31536000, immutable"
		revalid   = "no-cache"
	)
	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string
		wantCache    string // "" for no Cache-Control header
	}{
		{http.MethodGet, "/", 200, "<html>app</html>", revalid},
		{http.MethodGet, "/assets/app.js", 200, "console.log('app')", immutable},
		{http.MethodGet, "/openapi/catalog.yaml", 200, "openapi: 3.0.3", revalid},
		{http.MethodGet, "/products/42", 200, "<html>app</html>", revalid},
		{http.MethodHead, "/products/42", 200, "", revalid},
		{http.MethodGet, "/assets/", 200, "<html>app</html>", revalid}, // no directory listings
		{http.MethodGet, "/assets/missing.js", 200, "<html>app</html>", revalid},
		{http.MethodGet, "/docs/", 200, "<html>docs</html>", revalid},
		{http.MethodGet, "/.env", 404, `{"message":"Not Found"}`, ""},
		{http.MethodGet, "/assets/.hidden/x", 404, `{"message":"Not Found"}`, ""},
		{http.MethodPost, "/products/42", 404, `{"message":"Not Found"}`, ""},
		{http.MethodGet, "/v1/unknown", 404, `{"message":"Not Found"}`, ""},
		{http.MethodGet, "/v1/things/1", 200, "", ""}, // routes win over the web app
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := f.do(t, tt.method, tt.path, nil, nil)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	noop := func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 204}, nil
	}
	// public returns a spec with one public route, GET /v1/things/{param}.
	public := func(param string) []byte {
		return fmt.Appendf(nil, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/things/{%[1]s}:
    parameters: [{name: %[1]s, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok}}
`, param)
	}
	tests := []struct {
		name     string
		cfg      gateway.Config
		wantErrs []string
	}{
		{
			name: "duplicate route",
			cfg: gateway.Config{Contexts: []gateway.Context{
				{Name: "catalog", Spec: public("id"), Handler: noop},
				{Name: "orders", Spec: public("id"), Handler: noop},
			}},
			wantErrs: []string{`"GET /v1/things/{id}"`, "catalog", "orders"},
		},
		{
			name: "conflicting patterns",
			cfg: gateway.Config{Contexts: []gateway.Context{
				{Name: "catalog", Spec: public("id"), Handler: noop},
				{Name: "orders", Spec: public("thing"), Handler: noop},
			}},
			wantErrs: []string{"orders", "conflicts"},
		},
		{
			name:     "secured without verifier",
			cfg:      gateway.Config{Contexts: []gateway.Context{{Name: "echo", Spec: []byte(echoSpec), Handler: noop}}},
			wantErrs: []string{"echo", "Verifier"},
		},
		{
			name:     "invalid spec",
			cfg:      gateway.Config{Contexts: []gateway.Context{{Name: "broken", Spec: []byte("openapi: 3.0.3\n"), Handler: noop}}},
			wantErrs: []string{"broken"},
		},
		{
			name:     "no handler",
			cfg:      gateway.Config{Contexts: []gateway.Context{{Name: "empty", Spec: public("id")}}},
			wantErrs: []string{"empty", "no handler"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gateway.New(tt.cfg)
			if err == nil {
				t.Fatalf("New succeeded, want an error mentioning %q", tt.wantErrs)
			}
			for _, want := range tt.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func hasKey(m map[string]string, key string) bool {
	_, ok := m[key]
	return ok
}

// equal compares the values of the checks in TestRequestEvent.
func equal(got, want any) bool {
	switch want := want.(type) {
	case []string:
		got, _ := got.([]string)
		return slices.Equal(got, want)
	case map[string]string:
		got, _ := got.(map[string]string)
		return maps.Equal(got, want)
	default:
		return got == want
	}
}

// publicPEM is key's public key as a PKIX "PUBLIC KEY" PEM block: what an
// attacker keys HMAC with in the classic algorithm-confusion attack.
func publicPEM(t *testing.T, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// TestLocalEndpoints: Config.Local serves every path under /_local/, and
// nothing else: the API's routes, its 404s and the web app stay as they are.
func TestLocalEndpoints(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>app</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	issuer := newTestIssuer(t)
	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: issuer.url, Audience: []string{testAudience}})
	if err != nil {
		t.Fatal(err)
	}
	local := http.NewServeMux()
	local.HandleFunc("GET /_local/dead-letters", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":[]}`)
	})
	var log bytes.Buffer
	h, err := gateway.New(gateway.Config{
		Contexts: []gateway.Context{{Name: "echo", Spec: []byte(echoSpec), Handler: rec.wrap(lambdahttp.Adapt(echo()))}},
		Verifier: verifier,
		Logger:   slog.New(slog.NewJSONHandler(&lockedWriter{w: &log}, nil)),
		WebDir:   dir,
		Local:    local,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	f := &fixture{url: srv.URL, rec: rec}
	for _, tt := range []struct {
		method, path string
		want         int
		body         string
	}{
		{http.MethodGet, "/_local/dead-letters", 200, `{"items":[]}`},
		{http.MethodPost, "/_local/dead-letters", 405, ""},
		{http.MethodGet, "/_local/unknown", 404, ""},
		{http.MethodGet, "/_local", 200, "<html>app</html>"}, // not under /_local/
		{http.MethodGet, "/products/42", 200, "<html>app</html>"},
		{http.MethodGet, "/v1/unknown", 404, `{"message":"Not Found"}`},
		{http.MethodGet, "/v1/things/1", 200, ""},
	} {
		resp, body := f.do(t, tt.method, tt.path, nil, nil)
		if resp.StatusCode != tt.want || (tt.body != "" && string(body) != tt.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, body, tt.want, tt.body)
		}
	}
	if !strings.Contains(log.String(), `"path":"/_local/dead-letters"`) {
		t.Errorf("no request log line for the local endpoint:\n%s", log.String())
	}
}
