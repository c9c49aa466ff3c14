package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/accounts"
	domain "example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/httpapi"
	"example.com/quartet/services/accounts/internal/memory"
	"example.com/quartet/services/accounts/internal/token"
)

// refusedStore is a store whose database refuses connections.
type refusedStore struct{ domain.Store }

func (refusedStore) Customer(context.Context, string) (domain.Customer, error) {
	return domain.Customer{}, fmt.Errorf("read account: %w", unavailable.Mark(fmt.Errorf("dial tcp: connection refused")))
}

// TestStoreUnavailable: a store that is unavailable is a 503 problem with
// Retry-After, as openapi.yaml documents it.
func TestStoreUnavailable(t *testing.T) {
	key, err := signingKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	issuer := token.Issuer{Issuer: issuerURL, Audience: audience, Keys: keys}
	svc := domain.NewService(refusedStore{memory.NewStore()}, cheap)
	api := apitest.New(t, accounts.OpenAPI, httpapi.New(svc, issuer, slog.New(slog.DiscardHandler)))
	r := api.Do(t, apitest.Request{Method: http.MethodGet, Path: "/v1/me", Claims: apitest.Caller("01890a5d-ac96-774b-bcce-b302099a8057", "customer")})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != unavailable.RetryAfterHeader {
		t.Fatalf("GET /v1/me on a refused store: %d, Retry-After %q; want 503 and %q: %s",
			r.Status, r.Header.Get("Retry-After"), unavailable.RetryAfterHeader, r.Body)
	}
}
