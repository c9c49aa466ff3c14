package lambdahttp_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/lambdahttp"
)

func TestAdaptRequest(t *testing.T) {
	var got *http.Request
	var body string
	var rc events.APIGatewayV2HTTPRequestContext
	var hasRC bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		rc, hasRC = lambdahttp.RequestContext(r.Context())
	})
	event := events.APIGatewayV2HTTPRequest{
		RawPath:        "/v1/products/a%2Fb",
		RawQueryString: "q=walnut+bowl&limit=5",
		Cookies:        []string{"a=1", "b=2"},
		Headers: map[string]string{
			"host": "api.example.test", "content-type": "application/json", "x-custom-thing": "v",
			"accept-language": "en-GB,en;q=0.9", "if-match": `"1", "2"`,
		},
		Body:            base64.StdEncoding.EncodeToString([]byte(`{"quantity":2}`)),
		IsBase64Encoded: true,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", DomainName: "other.example.test",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "put", Path: "/v1/products/a/b", SourceIP: "198.51.100.7"},
		},
	}
	res, err := lambdahttp.Adapt(h)(context.Background(), event)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("Adapt: %d, %v; want 200, nil", res.StatusCode, err)
	}
	checks := []struct{ name, got, want string }{
		{"method", got.Method, "PUT"},
		{"path", got.URL.Path, "/v1/products/a/b"},
		{"escaped path", got.URL.EscapedPath(), "/v1/products/a%2Fb"},
		{"query q", got.URL.Query().Get("q"), "walnut bowl"},
		{"request URI", got.RequestURI, "/v1/products/a%2Fb?q=walnut+bowl&limit=5"},
		{"host", got.Host, "api.example.test"},
		{"Host header", got.Header.Get("Host"), ""},
		{"remote address", got.RemoteAddr, "198.51.100.7"},
		{"content type", got.Header.Get("Content-Type"), "application/json"},
		{"uncommon header", got.Header.Get("X-Custom-Thing"), "v"},
		{"joined header", strings.Join(got.Header.Values("Accept-Language"), "|"), "en-GB,en;q=0.9"},
		{"list header", strings.Join(got.Header.Values("If-Match"), "|"), `"1", "2"`},
		{"cookie", got.Header.Get("Cookie"), "a=1; b=2"},
		{"body", body, `{"quantity":2}`},
		{"request id", rc.RequestID, "req-1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if c, err := got.Cookie("b"); err != nil || c.Value != "2" {
		t.Errorf("Cookie(b) = %v, %v; want 2", c, err)
	}
	if got.ContentLength != int64(len(`{"quantity":2}`)) {
		t.Errorf("ContentLength = %d", got.ContentLength)
	}
	if !hasRC {
		t.Error("RequestContext: not found")
	}
}

func TestAdaptRequestDefaults(t *testing.T) {
	var got *http.Request
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r })
	event := events.APIGatewayV2HTTPRequest{
		QueryStringParameters: map[string]string{"limit": "5"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "api.example.test",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/categories"},
		},
	}
	if _, err := lambdahttp.Adapt(h)(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/v1/categories" || got.URL.RawQuery != "limit=5" || got.Host != "api.example.test" {
		t.Errorf("request %s ? %s host %s; want /v1/categories ? limit=5 host api.example.test", got.URL.Path, got.URL.RawQuery, got.Host)
	}
	if got.Body == nil || got.ContentLength != 0 {
		t.Errorf("Body %v, ContentLength %d; want http.NoBody and 0", got.Body, got.ContentLength)
	}
	if _, ok := lambdahttp.RequestContext(context.Background()); ok {
		t.Error("RequestContext of a plain context: found")
	}
}

func TestAdaptResponse(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    events.APIGatewayV2HTTPResponse
	}{
		{
			name: "headers and cookies",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Add("Vary", "Accept")
				w.Header().Add("Vary", "Origin")
				w.Header().Add("Set-Cookie", "a=1")
				w.Header().Add("Set-Cookie", "b=2")
				w.WriteHeader(http.StatusCreated)
				w.WriteHeader(http.StatusTeapot) // ignored, as by net/http
				_, _ = io.WriteString(w, `{"ok":true}`)
			},
			want: events.APIGatewayV2HTTPResponse{
				StatusCode: 201, Body: `{"ok":true}`, Cookies: []string{"a=1", "b=2"},
				Headers: map[string]string{"Content-Type": "application/json", "Vary": "Accept,Origin"},
			},
		},
		{
			name:    "nothing written",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			want:    events.APIGatewayV2HTTPResponse{StatusCode: 200},
		},
		{
			name:    "sniffed content type",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") },
			want: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Body: "hello", Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			},
		},
		{
			name: "binary body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				_, _ = w.Write([]byte{0xff, 0xfe})
			},
			want: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Body: "//4=", IsBase64Encoded: true,
				Headers: map[string]string{"Content-Type": "application/octet-stream"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			event := events.APIGatewayV2HTTPRequest{RawPath: "/", RequestContext: events.APIGatewayV2HTTPRequestContext{
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}}}
			got, err := lambdahttp.Adapt(tt.handler)(context.Background(), event)
			if err != nil {
				t.Fatal(err)
			}
			if got.StatusCode != tt.want.StatusCode || got.Body != tt.want.Body || got.IsBase64Encoded != tt.want.IsBase64Encoded ||
				strings.Join(got.Cookies, "|") != strings.Join(tt.want.Cookies, "|") || len(got.Headers) != len(tt.want.Headers) {
				t.Fatalf("response %+v, want %+v", got, tt.want)
			}
			for k, v := range tt.want.Headers {
				if got.Headers[k] != v {
					t.Errorf("header %s = %q, want %q", k, got.Headers[k], v)
				}
			}
		})
	}
}

func TestAdaptUnreadableEvent(t *testing.T) {
	called := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true })
	for name, event := range map[string]events.APIGatewayV2HTTPRequest{
		"bad base64": {RawPath: "/v1/x", Body: "%%%", IsBase64Encoded: true},
		"bad escape": {RawPath: "/v1/%zz"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := lambdahttp.Adapt(h)(context.Background(), event)
			if err != nil || res.StatusCode != http.StatusBadRequest || res.Headers["Content-Type"] != "application/problem+json" {
				t.Errorf("response %d %v %v, want a 400 problem", res.StatusCode, res.Headers, err)
			}
			if called {
				t.Error("handler called")
			}
		})
	}
}
