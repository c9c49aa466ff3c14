package apitest

import (
	"encoding/base64"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// The rules API Gateway follows to build an event are apigwevent's and are
// tested there. These tests check what apitest adds: the request a client
// sends for a Request, and the request context of the events.

func TestNewEvent(t *testing.T) {
	req := Request{
		Method: "PATCH",
		Path:   "/v1/things/a%20b?tag=x&tag=y&q=caf%C3%A9",
		Header: map[string]string{"If-Match": `"3"`, "Cookie": "a=1; b=2", "X-Empty": ""},
		Body:   `{"name":"x"}`,
		Claims: Caller("u1", "admin", "customer"),
	}
	ev, err := newEvent(t.Context(), req, "PATCH /v1/things/{id}", map[string]string{"id": "a b"})
	if err != nil {
		t.Fatal(err)
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{"routeKey", ev.RouteKey, "PATCH /v1/things/{id}"},
		{"rawPath", ev.RawPath, "/v1/things/a%20b"},
		{"rawQueryString", ev.RawQueryString, "tag=x&tag=y&q=caf%C3%A9"},
		{"queryStringParameters", ev.QueryStringParameters, map[string]string{"tag": "x,y", "q": "café"}},
		{"pathParameters", ev.PathParameters, map[string]string{"id": "a b"}},
		{"cookies", ev.Cookies, []string{"a=1", "b=2"}},
		{"body", ev.Body, req.Body},
		{"isBase64Encoded", ev.IsBase64Encoded, false},
		{"requestContext.accountId", ev.RequestContext.AccountID, accountID},
		{"requestContext.apiId", ev.RequestContext.APIID, apiID},
		{"requestContext.stage", ev.RequestContext.Stage, "$default"},
		{"requestContext.domainName", ev.RequestContext.DomainName, host},
		{"requestContext.domainPrefix", ev.RequestContext.DomainPrefix, "api"},
		{"requestContext.http.method", ev.RequestContext.HTTP.Method, "PATCH"},
		{"requestContext.http.protocol", ev.RequestContext.HTTP.Protocol, "HTTP/1.1"},
		{"requestContext.http.sourceIp", ev.RequestContext.HTTP.SourceIP, "192.0.2.1"},
		{"requestContext.http.userAgent", ev.RequestContext.HTTP.UserAgent, "apitest"},
		{"requestContext.authorizer.jwt.claims", ev.RequestContext.Authorizer.JWT.Claims, map[string]string{"sub": "u1", "roles": "[admin customer]"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if ev.RequestContext.RequestID == "" || ev.RequestContext.Time == "" || ev.RequestContext.TimeEpoch == 0 {
		t.Errorf("request context has id %q, time %q, epoch %d; want all set",
			ev.RequestContext.RequestID, ev.RequestContext.Time, ev.RequestContext.TimeEpoch)
	}
}

func TestNewEventHeaders(t *testing.T) {
	tests := []struct {
		name   string
		req    Request
		want   map[string]string
		absent []string
	}{
		{
			name: "defaults",
			req:  Request{Method: "GET", Path: "/v1/things"},
			want: map[string]string{
				"host": host, "user-agent": "apitest",
				"x-forwarded-for": "192.0.2.1", "x-forwarded-port": "443", "x-forwarded-proto": "https",
			},
			absent: []string{"content-type", "content-length", "authorization", "cookie"},
		},
		{
			name: "body is JSON by default",
			req:  Request{Method: "POST", Path: "/v1/things", Body: `{"name":"x"}`},
			want: map[string]string{"content-type": "application/json", "content-length": "12"},
		},
		{
			name: "content type set",
			req:  Request{Method: "POST", Path: "/v1/things", Body: "a,b", Header: map[string]string{"content-type": "text/csv"}},
			want: map[string]string{"content-type": "text/csv"},
		},
		{
			name:   "empty value removes a default",
			req:    Request{Method: "POST", Path: "/v1/things", Body: "x", Header: map[string]string{"Content-Type": "", "User-Agent": ""}},
			want:   map[string]string{"content-length": "1"},
			absent: []string{"content-type", "user-agent"},
		},
		{
			name: "claims send a token",
			req:  Request{Method: "GET", Path: "/v1/me", Claims: Customer},
			want: map[string]string{"authorization": "Bearer apitest.token.verified-by-the-authorizer"},
		},
		{
			name: "names of any case",
			req:  Request{Method: "GET", Path: "/v1/things", Header: map[string]string{"IF-NONE-MATCH": `"1"`, "x-lower": "v"}},
			want: map[string]string{"if-none-match": `"1"`, "x-lower": "v"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := newEvent(t.Context(), tt.req, tt.req.Method+" /v1/things", nil)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				if got, ok := ev.Headers[name]; !ok || got != want {
					t.Errorf("headers[%q] = %q (present %v), want %q", name, got, ok, want)
				}
			}
			for _, name := range tt.absent {
				if got, ok := ev.Headers[name]; ok {
					t.Errorf("headers[%q] = %q, want absent", name, got)
				}
			}
		})
	}
}

func TestNewEventBinaryBody(t *testing.T) {
	ev, err := newEvent(t.Context(), Request{Method: "POST", Path: "/v1/files", Header: map[string]string{"Content-Type": "image/png"}, Body: "\x89PNG"},
		"POST /v1/files", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.IsBase64Encoded || ev.Body != base64.StdEncoding.EncodeToString([]byte("\x89PNG")) {
		t.Errorf("body %q base64 %v, want base64", ev.Body, ev.IsBase64Encoded)
	}
	if ev.RequestContext.Authorizer != nil || ev.Headers["authorization"] != "" {
		t.Errorf("a request without claims has authorizer %+v and authorization %q", ev.RequestContext.Authorizer, ev.Headers["authorization"])
	}
}

func TestNewEventCopiesClaims(t *testing.T) {
	ev, err := newEvent(t.Context(), Request{Method: "GET", Path: "/v1/me", Claims: Admin}, "GET /v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev.RequestContext.Authorizer.JWT.Claims["sub"] = "someone-else"
	if Admin["sub"] != "admin-1" {
		t.Errorf("changing the event's claims changed Admin to %v", Admin)
	}
}

func TestNewResponse(t *testing.T) {
	// The conversion is apigwevent.WriteResponse's; this checks that a
	// response API Gateway would reject is an error.
	if _, err := newResponse(events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}); err == nil {
		t.Error("a response with an invalid base64 body converted without error")
	}
	res, err := newResponse(events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: base64.StdEncoding.EncodeToString([]byte{0xff}), IsBase64Encoded: true})
	if err != nil || res.Status != 200 || string(res.Body) != "\xff" {
		t.Errorf("newResponse = %+v, %v; want 200 with the decoded body", res, err)
	}
}
