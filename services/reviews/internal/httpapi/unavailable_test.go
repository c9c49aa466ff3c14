package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/httpapi"
	"example.com/quartet/services/reviews/internal/memory"
	domain "example.com/quartet/services/reviews/internal/reviews"
)

// networkError has the HasErrorLabel method of the mongo driver's errors.
type networkError struct{}

func (networkError) Error() string                   { return "connection reset" }
func (networkError) HasErrorLabel(label string) bool { return label == "NetworkError" }

// brokenStore is a store whose connection to MongoDB broke.
type brokenStore struct{ domain.Store }

func (brokenStore) Product(context.Context, string) (domain.Product, error) {
	return domain.Product{}, fmt.Errorf("find product: %w", networkError{})
}

// TestStoreUnavailable: a store whose connection broke is a 503 problem
// with Retry-After, as openapi.yaml documents it.
func TestStoreUnavailable(t *testing.T) {
	api := apitest.New(t, reviews.OpenAPI, httpapi.New(domain.NewService(brokenStore{memory.NewStore()}, nil), slog.New(slog.DiscardHandler)))
	r := api.Do(t, apitest.Request{Method: http.MethodGet, Path: "/v1/products/01890a5d-ac96-774b-bcce-b302099a8057/rating"})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != unavailable.RetryAfterHeader {
		t.Fatalf("GET rating on a broken store: %d, Retry-After %q; want 503 and %q: %s",
			r.Status, r.Header.Get("Retry-After"), unavailable.RetryAfterHeader, r.Body)
	}
}
