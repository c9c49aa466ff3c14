package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/internal/httpapi"
	"example.com/quartet/services/orders/internal/memory"
	domain "example.com/quartet/services/orders/internal/orders"
)

// throttledStore is a store whose table throttles every request.
type throttledStore struct{ domain.Store }

// throttled has the ErrorCode method of smithy.APIError.
type throttled struct{}

func (throttled) Error() string     { return "ProvisionedThroughputExceededException: slow down" }
func (throttled) ErrorCode() string { return "ProvisionedThroughputExceededException" }

func (throttledStore) Cart(context.Context, string) (domain.Cart, error) {
	return domain.Cart{}, fmt.Errorf("get cart: %w", throttled{})
}

func (throttledStore) Products(context.Context, []string) (map[string]domain.Product, error) {
	return nil, fmt.Errorf("get products: %w", throttled{})
}

// TestUnavailable: a throttled table is a 503 problem with Retry-After, as
// openapi.yaml documents it, for the cart and for the products projection.
func TestUnavailable(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		name string
		svc  *domain.Service
		req  apitest.Request
	}{
		{"throttled table", domain.NewService(throttledStore{memory.NewStore()}),
			apitest.Request{Method: http.MethodGet, Path: "/v1/cart", Claims: apitest.Customer}},
		{"throttled products", domain.NewService(throttledStore{memory.NewStore()}),
			apitest.Request{Method: http.MethodPut, Path: "/v1/cart/items/mug", Claims: apitest.Customer,
				Header: map[string]string{"Content-Type": "application/json"}, Body: `{"quantity":1}`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := apitest.New(t, orders.OpenAPI, httpapi.New(tt.svc, logger))
			r := api.Do(t, tt.req)
			if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != unavailable.RetryAfterHeader {
				t.Fatalf("%s %s: %d, Retry-After %q; want 503 and %q: %s",
					tt.req.Method, tt.req.Path, r.Status, r.Header.Get("Retry-After"), unavailable.RetryAfterHeader, r.Body)
			}
		})
	}
}
