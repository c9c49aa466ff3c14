package identity_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/lambdahttp"
)

// serve runs one API Gateway v2 event through the Lambda adapter to a handler
// that reports what identity.Require(role) returned.
func serve(t *testing.T, claims map[string]string, role string) (identity.Caller, error) {
	t.Helper()
	var (
		caller identity.Caller
		err    error
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err = identity.Require(r.Context(), role)
		w.WriteHeader(http.StatusNoContent)
	})
	req := events.APIGatewayV2HTTPRequest{
		RawPath:        "/v1/products",
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST"}},
	}
	if claims != nil {
		req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	if _, perr := lambdahttp.Adapt(h)(context.Background(), req); perr != nil {
		t.Fatal(perr)
	}
	return caller, err
}

func TestRequire(t *testing.T) {
	tests := []struct {
		name    string
		claims  map[string]string
		wantErr error
	}{
		{"no authorizer", nil, identity.ErrUnauthenticated},
		{"no subject", map[string]string{"roles": "[admin]"}, identity.ErrUnauthenticated},
		{"missing role", map[string]string{"sub": "a1", "roles": "[customer]"}, identity.ErrForbidden},
		{"role among several", map[string]string{"sub": "a1", "roles": "[customer admin]"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := serve(t, tt.claims, identity.RoleAdmin)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Require() error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && c.Subject != "a1" {
				t.Errorf("Subject = %q, want a1", c.Subject)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	for in, want := range map[string][]string{
		"[admin customer]":  {"admin", "customer"},
		"[admin, customer]": {"admin", "customer"},
		"admin":             {"admin"},
		"":                  nil,
		"[]":                nil,
	} {
		if got := identity.ParseList(in); !slices.Equal(got, want) {
			t.Errorf("ParseList(%q) = %q, want %q", in, got, want)
		}
	}
}
