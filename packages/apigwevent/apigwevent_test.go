package apigwevent_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/apigwevent"
)

// mustRequest converts r with an empty request context, failing t on error.
func mustRequest(t *testing.T, r *http.Request) events.APIGatewayV2HTTPRequest {
	t.Helper()
	e, err := apigwevent.Request(r, "ANY /x", nil, apigwevent.RequestContext{})
	if err != nil {
		t.Fatalf("Request: %v", err)
	}
	return e
}

func TestRequestHeaders(t *testing.T) {
	tests := []struct {
		name   string
		target string
		header http.Header
		// setup changes the request after the headers are set.
		setup  func(*http.Request)
		want   map[string]string // headers that must have these values
		absent []string
	}{
		{
			name:   "names lower-cased",
			target: "http://api.example.test/x",
			header: http.Header{"X-Custom": {"v"}, "If-Match": {`"3"`}},
			want:   map[string]string{"x-custom": "v", "if-match": `"3"`},
			absent: []string{"X-Custom", "If-Match"},
		},
		{
			name:   "repeated headers joined with commas",
			target: "http://api.example.test/x",
			header: http.Header{"X-Multi": {"a", "b", "c"}},
			want:   map[string]string{"x-multi": "a,b,c"},
		},
		{
			name:   "host and forwarded headers added",
			target: "http://api.example.test/x",
			want: map[string]string{
				"host": "api.example.test", "x-forwarded-for": "192.0.2.1",
				"x-forwarded-proto": "http", "x-forwarded-port": "80",
			},
			absent: []string{"content-length"},
		},
		{
			name:   "https",
			target: "https://api.example.test/x",
			want:   map[string]string{"x-forwarded-proto": "https", "x-forwarded-port": "443"},
		},
		{
			name:   "port of the host",
			target: "http://localhost:8080/x",
			want:   map[string]string{"host": "localhost:8080", "x-forwarded-port": "8080"},
		},
		{
			name:   "port of the listener",
			target: "http://localhost:8080/x",
			setup: func(r *http.Request) {
				addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}
				*r = *r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
			},
			want: map[string]string{"x-forwarded-port": "9000"},
		},
		{
			name:   "x-forwarded-for appended to",
			target: "http://api.example.test/x",
			header: http.Header{"X-Forwarded-For": {"203.0.113.7"}},
			want:   map[string]string{"x-forwarded-for": "203.0.113.7, 192.0.2.1"},
		},
		{
			name:   "cookie left out",
			target: "http://api.example.test/x",
			header: http.Header{"Cookie": {"a=1"}},
			absent: []string{"cookie", "Cookie"},
		},
		{
			name:   "empty value kept",
			target: "http://api.example.test/x",
			header: http.Header{"X-Empty": {""}},
			want:   map[string]string{"x-empty": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			for name, values := range tt.header {
				r.Header[name] = values
			}
			if tt.setup != nil {
				tt.setup(r)
			}
			e := mustRequest(t, r)
			for name, want := range tt.want {
				if got, ok := e.Headers[name]; !ok || got != want {
					t.Errorf("headers[%q] = %q (present %v), want %q", name, got, ok, want)
				}
			}
			for _, name := range tt.absent {
				if got, ok := e.Headers[name]; ok {
					t.Errorf("headers[%q] = %q, want absent", name, got)
				}
			}
			for name := range e.Headers {
				if name != strings.ToLower(name) {
					t.Errorf("header name %q is not lower-case", name)
				}
			}
		})
	}
}

func TestRequestCookies(t *testing.T) {
	tests := []struct {
		name   string
		cookie []string
		want   []string
	}{
		{"none", nil, nil},
		{"one", []string{"a=1"}, []string{"a=1"}},
		{"several in one header", []string{"a=1; b=2"}, []string{"a=1", "b=2"}},
		{"several headers", []string{"a=1; b=2", "c=3"}, []string{"a=1", "b=2", "c=3"}},
		{"stray separators and spaces", []string{" a=1 ;; b=2; "}, []string{"a=1", "b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			for _, c := range tt.cookie {
				r.Header.Add("Cookie", c)
			}
			if got := mustRequest(t, r).Cookies; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cookies = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRequestQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  map[string]string
	}{
		{"none", "", nil},
		{"simple", "a=1&b=2", map[string]string{"a": "1", "b": "2"}},
		{"repeated", "tag=x&tag=y&tag=z", map[string]string{"tag": "x,y,z"}},
		{"decoded", "q=hello+world&c=caf%C3%A9", map[string]string{"q": "hello world", "c": "café"}},
		{"empty value", "empty=&flag", map[string]string{"empty": "", "flag": ""}},
		{"malformed pair dropped", "a=%zz&b=2", map[string]string{"b": "2"}},
		{"only malformed", "a=%zz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/x"
			if tt.query != "" {
				target += "?" + tt.query
			}
			e := mustRequest(t, httptest.NewRequest(http.MethodGet, target, nil))
			if e.RawQueryString != tt.query {
				t.Errorf("rawQueryString = %q, want %q", e.RawQueryString, tt.query)
			}
			if !reflect.DeepEqual(e.QueryStringParameters, tt.want) {
				t.Errorf("queryStringParameters = %v, want %v", e.QueryStringParameters, tt.want)
			}
		})
	}
}

func TestRequestPath(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/v1/things/caf%C3%A9%2F1", nil)
	params := map[string]string{"id": "café/1"}
	e, err := apigwevent.Request(r, "GET /v1/things/{id}", params, apigwevent.RequestContext{})
	if err != nil {
		t.Fatal(err)
	}
	if e.RawPath != "/v1/things/caf%C3%A9%2F1" || e.RequestContext.HTTP.Path != e.RawPath {
		t.Errorf("rawPath %q, requestContext.http.path %q; want /v1/things/caf%%C3%%A9%%2F1 for both", e.RawPath, e.RequestContext.HTTP.Path)
	}
	if !reflect.DeepEqual(e.PathParameters, params) {
		t.Errorf("pathParameters = %v, want %v", e.PathParameters, params)
	}
	params["id"] = "changed"
	if e.PathParameters["id"] != "café/1" {
		t.Error("the event shares the caller's path parameters")
	}

	for _, params := range []map[string]string{nil, {}} {
		if e, _ := apigwevent.Request(r, "GET /v1/things", params, apigwevent.RequestContext{}); e.PathParameters != nil {
			t.Errorf("path parameters %v: event has %v, want nil", params, e.PathParameters)
		}
	}
}

func TestRequestBody(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		wantBase64  bool
		text        bool // IsText, when it differs from !wantBase64
	}{
		{"json", "application/json", `{"name":"tea"}`, false, false},
		{"json with charset", "application/json; charset=utf-8", `{"name":"thé"}`, false, false},
		{"upper-case media type", "Application/JSON", `{}`, false, false},
		{"text", "text/plain", "hello", false, false},
		{"html", "text/html; charset=utf-8", "<p>hi</p>", false, false},
		{"csv", "text/csv", "a,b\n1,2\n", false, false},
		{"xml", "application/xml", "<a/>", false, false},
		{"javascript", "application/javascript", "f()", false, false},
		{"problem json", "application/problem+json", `{}`, true, false},
		{"merge patch", "application/merge-patch+json", `{"a":null}`, true, false},
		{"yaml", "application/yaml", "a: 1", true, false},
		{"binary", "application/octet-stream", "\x00\x01\x02\xff", true, false},
		{"image", "image/png", "\x89PNG", true, false},
		{"form", "application/x-www-form-urlencoded", "a=1&b=2", true, false},
		{"multipart", "multipart/form-data; boundary=x", "--x--", true, false},
		{"no content type", "", "mystery", true, false},
		{"malformed content type", "text/", "hello", true, false},
		// A JSON event cannot carry these bytes as a string.
		{"json with invalid UTF-8", "application/json", "{\"a\":\"\xff\"}", true, true},
		{"text with a lone surrogate", "text/plain", "\xed\xa0\x80", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := apigwevent.IsText(tt.contentType), tt.text || !tt.wantBase64; got != want {
				t.Errorf("IsText(%q) = %v, want %v", tt.contentType, got, want)
			}
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			e := mustRequest(t, r)
			want := tt.body
			if tt.wantBase64 {
				want = base64.StdEncoding.EncodeToString([]byte(tt.body))
			}
			if e.Body != want || e.IsBase64Encoded != tt.wantBase64 {
				t.Errorf("body %q, isBase64Encoded %v; want %q, %v", e.Body, e.IsBase64Encoded, want, tt.wantBase64)
			}
			if got, want := e.Headers["content-length"], strconv.Itoa(len(tt.body)); got != want {
				t.Errorf("content-length = %q, want %q", got, want)
			}
		})
	}
}

func TestRequestEmptyBody(t *testing.T) {
	for _, body := range []io.Reader{nil, strings.NewReader("")} {
		r := httptest.NewRequest(http.MethodPost, "/x", body)
		r.Header.Set("Content-Type", "application/octet-stream")
		e := mustRequest(t, r)
		if e.Body != "" || e.IsBase64Encoded {
			t.Errorf("body %q, isBase64Encoded %v; want \"\", false", e.Body, e.IsBase64Encoded)
		}
		if _, ok := e.Headers["content-length"]; ok {
			t.Errorf("content-length %q for an empty body", e.Headers["content-length"])
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.Body = nil // as http.NewRequest leaves it
	mustRequest(t, r)
}

func TestRequestBodyError(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/x", nil)
	r.Body = http.MaxBytesReader(nil, io.NopCloser(strings.NewReader("too long")), 3)
	_, err := apigwevent.Request(r, "POST /x", nil, apigwevent.RequestContext{})
	if _, ok := errors.AsType[*http.MaxBytesError](err); !ok {
		t.Errorf("error = %v, want an *http.MaxBytesError", err)
	}

	boom := errors.New("boom")
	r.Body = io.NopCloser(iotest.ErrReader(boom))
	if _, err := apigwevent.Request(r, "POST /x", nil, apigwevent.RequestContext{}); !errors.Is(err, boom) {
		t.Errorf("error = %v, want %v", err, boom)
	}
}

func TestRequestContext(t *testing.T) {
	at := time.Date(2020, 3, 12, 20, 3, 58, 123e6, time.FixedZone("CET", 3600))
	r := httptest.NewRequest(http.MethodPut, "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/things/1", nil)
	r.Header.Set("User-Agent", "quartet-test/1")
	r.RemoteAddr = "198.51.100.9:53211"
	rc := apigwevent.RequestContext{
		RequestID: "JGxH9jR8IAMEVfA=", Time: at, AccountID: "123456789012", APIID: "abc123", Stage: "prod",
	}
	e, err := apigwevent.Request(r, "PUT /v1/things/{id}", map[string]string{"id": "1"}, rc)
	if err != nil {
		t.Fatal(err)
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{"version", e.Version, "2.0"},
		{"routeKey", e.RouteKey, "PUT /v1/things/{id}"},
		{"requestContext.routeKey", e.RequestContext.RouteKey, "PUT /v1/things/{id}"},
		{"requestContext.accountId", e.RequestContext.AccountID, "123456789012"},
		{"requestContext.apiId", e.RequestContext.APIID, "abc123"},
		{"requestContext.stage", e.RequestContext.Stage, "prod"},
		{"requestContext.requestId", e.RequestContext.RequestID, "JGxH9jR8IAMEVfA="},
		{"requestContext.domainName", e.RequestContext.DomainName, "abc123.execute-api.eu-west-1.amazonaws.com"},
		{"requestContext.domainPrefix", e.RequestContext.DomainPrefix, "abc123"},
		{"requestContext.time", e.RequestContext.Time, "12/Mar/2020:19:03:58 +0000"},
		{"requestContext.timeEpoch", e.RequestContext.TimeEpoch, at.UnixMilli()},
		{"requestContext.http.method", e.RequestContext.HTTP.Method, "PUT"},
		{"requestContext.http.path", e.RequestContext.HTTP.Path, "/v1/things/1"},
		{"requestContext.http.protocol", e.RequestContext.HTTP.Protocol, "HTTP/1.1"},
		{"requestContext.http.sourceIp", e.RequestContext.HTTP.SourceIP, "198.51.100.9"},
		{"requestContext.http.userAgent", e.RequestContext.HTTP.UserAgent, "quartet-test/1"},
		{"headers[x-forwarded-for]", e.Headers["x-forwarded-for"], "198.51.100.9"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestRequestContextDefaults(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "http://localhost:8080/x", nil)
	before := time.Now().Truncate(time.Second)
	e := mustRequest(t, r)
	after := time.Now()

	if e.RequestContext.Stage != apigwevent.DefaultStage {
		t.Errorf("stage = %q, want %q", e.RequestContext.Stage, apigwevent.DefaultStage)
	}
	if e.RequestContext.DomainPrefix != "localhost" {
		t.Errorf("domainPrefix = %q, want localhost", e.RequestContext.DomainPrefix)
	}
	when, err := time.Parse(apigwevent.TimeLayout, e.RequestContext.Time)
	if err != nil || when.Before(before) || when.After(after) {
		t.Errorf("time = %q (%v), want now in API Gateway's format", e.RequestContext.Time, err)
	}
	if epoch := time.UnixMilli(e.RequestContext.TimeEpoch).Truncate(time.Second); !epoch.Equal(when) {
		t.Errorf("timeEpoch %d and time %q disagree", e.RequestContext.TimeEpoch, e.RequestContext.Time)
	}
	id := e.RequestContext.RequestID
	if b, err := base64.StdEncoding.DecodeString(id); err != nil || len(b) != 10 {
		t.Errorf("requestId = %q, want 10 random bytes in base64", id)
	}
	if other := mustRequest(t, r).RequestContext.RequestID; other == id {
		t.Errorf("two requests have the same id %q", id)
	}
}

func TestRequestAuthorizer(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]string
		scopes []string
		want   *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	}{
		{name: "no authorizer", want: nil},
		{name: "scopes without claims ignored", scopes: []string{"read"}, want: nil},
		{
			name:   "claims",
			claims: map[string]string{"sub": "u1", "roles": "[admin customer]"},
			want: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": "u1", "roles": "[admin customer]"},
				},
			},
		},
		{
			name:   "claims and scopes",
			claims: map[string]string{"sub": "u1"},
			scopes: []string{"read", "write"},
			want: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": "u1"},
					Scopes: []string{"read", "write"},
				},
			},
		},
		{
			name:   "empty claims",
			claims: map[string]string{},
			want: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			e, err := apigwevent.Request(r, "GET /x", nil, apigwevent.RequestContext{Claims: tt.claims, Scopes: tt.scopes})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.RequestContext.Authorizer; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("authorizer = %s, want %s", describe(got), describe(tt.want))
			}
			if tt.claims != nil {
				tt.claims["sub"] = "changed"
				if e.RequestContext.Authorizer.JWT.Claims["sub"] == "changed" {
					t.Error("the event shares the caller's claims")
				}
			}
		})
	}
}

func describe(a *events.APIGatewayV2HTTPRequestContextAuthorizerDescription) string {
	if a == nil || a.JWT == nil {
		return "nil"
	}
	return fmt.Sprintf("%+v", *a.JWT)
}

func TestWriteResponse(t *testing.T) {
	tests := []struct {
		name       string
		res        events.APIGatewayV2HTTPResponse
		wantStatus int
		wantHeader http.Header
		wantBody   string
	}{
		{
			name: "text body",
			res: events.APIGatewayV2HTTPResponse{
				StatusCode: 201, Headers: map[string]string{"content-type": "application/json", "location": "/v1/things/1"},
				Body: `{"id":"1"}`,
			},
			wantStatus: 201,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "Location": {"/v1/things/1"}, "Content-Length": {"10"}},
			wantBody:   `{"id":"1"}`,
		},
		{
			name:       "base64 body",
			res:        events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: base64.StdEncoding.EncodeToString([]byte{0xff, 0, 1}), IsBase64Encoded: true},
			wantStatus: 200,
			wantHeader: http.Header{"Content-Length": {"3"}},
			wantBody:   "\xff\x00\x01",
		},
		{
			name: "multi-value headers after headers",
			res: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Headers: map[string]string{"x-echo": "one"},
				MultiValueHeaders: map[string][]string{"X-Echo": {"two", "three"}, "Vary": {"Accept", "Origin"}},
			},
			wantStatus: 200,
			wantHeader: http.Header{"X-Echo": {"one", "two", "three"}, "Vary": {"Accept", "Origin"}, "Content-Length": {"0"}},
		},
		{
			name: "cookies",
			res: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Cookies: []string{"a=1; Path=/", "b=2; HttpOnly"},
				Headers: map[string]string{"set-cookie": "c=3"},
			},
			wantStatus: 200,
			wantHeader: http.Header{"Set-Cookie": {"c=3", "a=1; Path=/", "b=2; HttpOnly"}, "Content-Length": {"0"}},
		},
		{
			name: "content-length corrected",
			res: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Headers: map[string]string{"content-length": "99"}, Body: "abc",
			},
			wantStatus: 200,
			wantHeader: http.Header{"Content-Length": {"3"}},
			wantBody:   "abc",
		},
		{
			name: "no body",
			res: events.APIGatewayV2HTTPResponse{
				StatusCode: 204, Headers: map[string]string{"content-length": "3", "etag": `"2"`}, Body: "abc",
			},
			wantStatus: 204,
			wantHeader: http.Header{"Etag": {`"2"`}},
		},
		{
			name:       "not modified",
			res:        events.APIGatewayV2HTTPResponse{StatusCode: 304},
			wantStatus: 304,
			wantHeader: http.Header{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := apigwevent.WriteResponse(w, tt.res); err != nil {
				t.Fatalf("WriteResponse: %v", err)
			}
			res := w.Result()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if !reflect.DeepEqual(res.Header, tt.wantHeader) {
				t.Errorf("header = %v, want %v", res.Header, tt.wantHeader)
			}
			if got := w.Body.String(); got != tt.wantBody {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
		})
	}
}

func TestWriteResponseRejects(t *testing.T) {
	tests := []struct {
		name string
		res  events.APIGatewayV2HTTPResponse
	}{
		{"no status", events.APIGatewayV2HTTPResponse{Body: "hi"}},
		{"status too low", events.APIGatewayV2HTTPResponse{StatusCode: 99}},
		{"status too high", events.APIGatewayV2HTTPResponse{StatusCode: 600}},
		{"bad base64", events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("Apigw-Requestid", "id")
			if err := apigwevent.WriteResponse(w, tt.res); err == nil {
				t.Fatal("WriteResponse succeeded, want an error")
			}
			if w.Code != http.StatusOK || w.Body.Len() != 0 || len(w.Header()) != 1 {
				t.Errorf("WriteResponse wrote %d %v %q before failing, want nothing", w.Code, w.Header(), w.Body)
			}
		})
	}
}
