package httproute_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/packages/problem"
)

func TestHandler(t *testing.T) {
	errGone := errors.New("gone")
	routes := []httproute.Route{
		{Pattern: "GET /v1/things/{id}", Handle: func(w http.ResponseWriter, r *http.Request) error {
			if r.PathValue("id") == "gone" {
				return errGone
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
		{Pattern: "DELETE /v1/things/{id}", Handle: func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
	}
	responder := problem.Responder{Table: problem.Table{{Err: errGone, Status: http.StatusGone}}}
	h := httproute.Handler(routes, responder.Error, slog.New(slog.DiscardHandler))

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"served", "GET", "/v1/things/1", http.StatusNoContent, ""},
		{"error becomes a problem", "GET", "/v1/things/gone", http.StatusGone, ""},
		{"unknown path", "GET", "/v1/nothing", http.StatusNotFound, ""},
		{"other method", "PUT", "/v1/things/1", http.StatusMethodNotAllowed, "GET, DELETE"},
		// ServeMux would redirect these with a text/html body.
		{"dot segment", "GET", "/v1/things/.", http.StatusNotFound, ""},
		{"dot-dot segment", "GET", "/v1/things/..", http.StatusNotFound, ""},
		{"empty segment", "GET", "/v1//things/1", http.StatusNotFound, ""},
		{"escaped dot-dot is a value", "GET", "/v1/things/%2E%2E", http.StatusNoContent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if w.Code >= 400 && w.Header().Get("Content-Type") != problem.ContentType {
				t.Errorf("Content-Type = %q, want a problem", w.Header().Get("Content-Type"))
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestPatterns(t *testing.T) {
	got := httproute.Patterns([]httproute.Route{{Pattern: "GET /a"}, {Pattern: "POST /b"}})
	if len(got) != 2 || got[0] != "GET /a" || got[1] != "POST /b" {
		t.Errorf("Patterns = %q", got)
	}
}

func TestAccess(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request, c identity.Caller) error {
		w.Header().Set("X-Caller", c.Subject)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	routes := []httproute.Route{
		{Pattern: "GET /public", Handle: httproute.Public(func(w http.ResponseWriter, _ *http.Request) error {
			w.WriteHeader(http.StatusNoContent)
			return nil
		})},
		{Pattern: "GET /me", Handle: httproute.Authenticated(ok)},
		{Pattern: "GET /customer", Handle: httproute.Customer(ok)},
		{Pattern: "GET /admin", Handle: httproute.Admin(ok)},
		{Pattern: "GET /either", Handle: httproute.AnyRole(ok, identity.RoleCustomer, identity.RoleAdmin)},
	}
	responder := problem.Responder{Table: problem.Table{
		{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
		{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	}}
	h := lambdahttp.Adapt(httproute.Handler(routes, responder.Error, slog.New(slog.DiscardHandler)))
	call := func(path string, claims map[string]string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		e := events.APIGatewayV2HTTPRequest{RawPath: path, RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path},
		}}
		if claims != nil {
			e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
		}
		res, err := h(t.Context(), e)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	customer := map[string]string{"sub": "c1", "roles": "[customer]"}
	admin := map[string]string{"sub": "a1", "roles": "[admin]"}
	none := map[string]string{"sub": "n1", "roles": "[]"}
	tests := []struct {
		path   string
		claims map[string]string
		want   int
	}{
		{"/public", nil, 204},
		{"/me", nil, 401}, {"/me", none, 204},
		{"/customer", nil, 401}, {"/customer", admin, 403}, {"/customer", customer, 204},
		{"/admin", customer, 403}, {"/admin", admin, 204},
		{"/either", none, 403}, {"/either", customer, 204}, {"/either", admin, 204},
	}
	for _, tt := range tests {
		res := call(tt.path, tt.claims)
		if res.StatusCode != tt.want {
			t.Errorf("GET %s as %v: status %d, want %d", tt.path, tt.claims, res.StatusCode, tt.want)
		}
		if tt.want == 401 && res.Headers["Www-Authenticate"] != "Bearer" {
			t.Errorf("GET %s: 401 without WWW-Authenticate: Bearer (%v)", tt.path, res.Headers)
		}
		if tt.want == 204 && tt.claims != nil && res.Headers["X-Caller"] != tt.claims["sub"] {
			t.Errorf("GET %s: the handler saw caller %q, want %q", tt.path, res.Headers["X-Caller"], tt.claims["sub"])
		}
	}
}
