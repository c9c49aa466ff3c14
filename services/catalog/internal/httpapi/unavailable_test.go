package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/memory"
)

// slowStore is a store whose database runs past the request's budget.
type slowStore struct{ catalog.Store }

func (slowStore) Products(context.Context, catalog.Query) (catalog.Page, error) {
	return catalog.Page{}, fmt.Errorf("postgres: list products: %w", context.DeadlineExceeded)
}

// TestStoreUnavailable: a store that is too slow is a 503 problem with
// Retry-After, as openapi.yaml documents it.
func TestStoreUnavailable(t *testing.T) {
	api := apitest.New(t, spec(t), httpapi.New(catalog.NewService(slowStore{memory.NewStore()}), slog.New(slog.DiscardHandler)))
	r := api.Do(t, apitest.Request{Method: http.MethodGet, Path: "/v1/products"})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != unavailable.RetryAfterHeader {
		t.Fatalf("GET /v1/products on a slow store: %d, Retry-After %q; want 503 and %q: %s",
			r.Status, r.Header.Get("Retry-After"), unavailable.RetryAfterHeader, r.Body)
	}
	if p := r.Problem(t); p.Status != http.StatusServiceUnavailable {
		t.Errorf("problem status %d, want 503", p.Status)
	}
}
