package httpapi_test

import (
	"log/slog"
	"net/http"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/postgres"
)

// TestHostileInput sends every route a battery of bad requests: none may
// answer 5xx, and every 4xx must be a problem the document allows.
func TestHostileInput(t *testing.T) {
	hostile(t, newHandler(t))
}

// TestHostileInputPostgres runs the battery on the PostgreSQL store at
// $TEST_POSTGRES_URL, which refuses some text the memory store keeps.
func TestHostileInputPostgres(t *testing.T) {
	pool, err := postgres.NewPool(t.Context(), pgtest.External(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(t.Context(), pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(pool)
	if err := store.CreateCategory(t.Context(), catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		t.Fatal(err)
	}
	hostile(t, httpapi.New(catalog.NewService(store), slog.New(slog.DiscardHandler)))
}

func hostile(t *testing.T, h http.Handler) {
	api := apitest.New(t, spec(t), h)
	p := create(t, api, productJSON("HOSTILE-1", "kitchen", "Hostile mug"))
	id := "/v1/products/" + p.ID
	apitest.Hostile(t, api, apitest.HostileOptions{
		Claims: apitest.Admin,
		Paths: map[string]string{
			"GET /v1/products/{id}":                    id,
			"PATCH /v1/products/{id}":                  id,
			"POST /v1/products/{id}/archive":           id + "/archive",
			"POST /v1/products/{id}/stock-adjustments": id + "/stock-adjustments",
		},
		Headers: map[string]string{"If-Match": `"1"`},
		Bodies: map[string]string{
			"POST /v1/products":                        productJSON("HOSTILE-2", "kitchen", "Another mug"),
			"PATCH /v1/products/{id}":                  `{"name":"Renamed","stock":3}`,
			"POST /v1/products/{id}/stock-adjustments": `{"delta":1}`,
		},
	})
}
