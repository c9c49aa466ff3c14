package httpapi_test

import (
	"log/slog"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/memory"
)

// rated is a product document's rating as a client decodes it.
type rated struct {
	ID     string
	Rating *struct {
		Count   int
		Average float64
	}
}

// TestRatingInDocuments: every product document, created, read, listed,
// searched or changed, carries its rating; the responses validate against
// openapi.yaml.
func TestRatingInDocuments(t *testing.T) {
	store := memory.NewStore()
	if err := store.CreateCategory(t.Context(), catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		t.Fatal(err)
	}
	api := apitest.New(t, spec(t), httpapi.New(catalog.NewService(store), slog.New(slog.DiscardHandler)))
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	quiet := create(t, api, productJSON("MUG-2", "kitchen", "Enamel cup"))
	for i, r := range []int{5, 4, 4} {
		if _, err := store.RecordRating(t.Context(), eventID(i), p.ID, catalog.RatingDelta{Count: 1, Total: r}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][2]float64{p.ID: {3, 4.33}, quiet.ID: {0, 0}}
	check := func(what string, docs ...rated) {
		t.Helper()
		if len(docs) == 0 {
			t.Errorf("%s: no products", what)
		}
		for _, d := range docs {
			if d.Rating == nil {
				t.Errorf("%s: product %s has no rating", what, d.ID)
				continue
			}
			if got := [2]float64{float64(d.Rating.Count), d.Rating.Average}; got != want[d.ID] {
				t.Errorf("%s: product %s rated %v (count, average), want %v", what, d.ID, got, want[d.ID])
			}
		}
	}

	var one rated
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + p.ID}).JSON(t, &one)
	check("GET", one)
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + quiet.ID}).JSON(t, &one)
	check("GET without reviews", one)
	var page struct{ Items []rated }
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products"}).JSON(t, &page)
	check("list", page.Items...)
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products?q=mug"}).JSON(t, &page)
	check("search", page.Items...)
	api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + p.ID + "/stock-adjustments",
		Body: `{"delta":1}`, Claims: apitest.Admin}).JSON(t, &one)
	check("stock adjustment", one)
}

func eventID(n int) string { return "01976c3e-0000-7000-8000-00000000000" + string(rune('0'+n)) }
