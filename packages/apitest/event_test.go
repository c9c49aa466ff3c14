package apitest

import (
	"encoding/base64"
	"reflect"
	"testing"
	"time"
)

func TestNewEvent(t *testing.T) {
	req := Request{
		Method: "PATCH",
		Path:   "/v1/things/a%20b?tag=x&tag=y&q=caf%C3%A9",
		Header: map[string]string{"If-Match": `"3"`, "Cookie": "a=1; b=2", "X-Empty": ""},
		Body:   `{"name":"x"}`,
		Claims: Caller("u1", "admin", "customer"),
	}
	ev := newEvent(req, "PATCH /v1/things/{id}", "/v1/things/a%20b", "tag=x&tag=y&q=caf%C3%A9", map[string]string{"id": "a b"})

	if ev.Version != "2.0" || ev.RouteKey != "PATCH /v1/things/{id}" || ev.RequestContext.RouteKey != ev.RouteKey {
		t.Errorf("version %q, route keys %q and %q", ev.Version, ev.RouteKey, ev.RequestContext.RouteKey)
	}
	if ev.RawPath != "/v1/things/a%20b" || ev.RequestContext.HTTP.Path != ev.RawPath || ev.RequestContext.HTTP.Method != "PATCH" {
		t.Errorf("raw path %q, http %+v", ev.RawPath, ev.RequestContext.HTTP)
	}
	if want := map[string]string{"id": "a b"}; !reflect.DeepEqual(ev.PathParameters, want) {
		t.Errorf("path parameters = %v, want %v", ev.PathParameters, want)
	}
	if want := map[string]string{"tag": "x,y", "q": "café"}; ev.RawQueryString != "tag=x&tag=y&q=caf%C3%A9" || !reflect.DeepEqual(ev.QueryStringParameters, want) {
		t.Errorf("query %q %v, want %v", ev.RawQueryString, ev.QueryStringParameters, want)
	}
	for name, want := range map[string]string{
		"if-match": `"3"`, "content-type": "application/json", "content-length": "12", "authorization": "Bearer apitest.token.verified-by-the-authorizer",
	} {
		if got := ev.Headers[name]; got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"cookie", "x-empty", "If-Match"} {
		if _, ok := ev.Headers[name]; ok {
			t.Errorf("header %q is present", name)
		}
	}
	if want := []string{"a=1", "b=2"}; !reflect.DeepEqual(ev.Cookies, want) {
		t.Errorf("cookies = %q, want %q", ev.Cookies, want)
	}
	if ev.Body != req.Body || ev.IsBase64Encoded {
		t.Errorf("body %q base64 %v", ev.Body, ev.IsBase64Encoded)
	}
	if got := ev.RequestContext.Authorizer.JWT.Claims; !reflect.DeepEqual(got, map[string]string{"sub": "u1", "roles": "[admin customer]"}) {
		t.Errorf("claims = %v", got)
	}
	if _, err := time.Parse("02/Jan/2006:15:04:05 -0700", ev.RequestContext.Time); err != nil || ev.RequestContext.TimeEpoch == 0 || ev.RequestContext.RequestID == "" {
		t.Errorf("request context time %q (%v), epoch %d, id %q", ev.RequestContext.Time, err, ev.RequestContext.TimeEpoch, ev.RequestContext.RequestID)
	}
}

func TestNewEventBinaryBody(t *testing.T) {
	ev := newEvent(Request{Method: "POST", Path: "/v1/files", Header: map[string]string{"Content-Type": "image/png"}, Body: "\x89PNG"},
		"POST /v1/files", "/v1/files", "", nil)
	if !ev.IsBase64Encoded || ev.Body != base64.StdEncoding.EncodeToString([]byte("\x89PNG")) {
		t.Errorf("body %q base64 %v, want base64", ev.Body, ev.IsBase64Encoded)
	}
	if ev.RequestContext.Authorizer != nil || ev.Headers["authorization"] != "" {
		t.Errorf("a request without claims has authorizer %+v and authorization %q", ev.RequestContext.Authorizer, ev.Headers["authorization"])
	}
}
