package seed

import (
	"testing"

	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/memory"
)

func TestRun(t *testing.T) {
	ctx := t.Context()
	store := memory.NewStore()
	svc := catalog.NewService(store)
	for run := 1; run <= 2; run++ {
		if err := Run(ctx, svc, store); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		cs, err := store.Categories(ctx)
		if err != nil {
			t.Fatalf("Categories: %v", err)
		}
		if len(cs) != len(categories) {
			t.Errorf("run %d: %d categories, want %d", run, len(cs), len(categories))
		}
		if got := count(t, store, catalog.Query{}); got != len(products) {
			t.Errorf("run %d: %d products, want %d", run, got, len(products))
		}
	}
	if len(categories) < 6 || len(products) < 60 {
		t.Errorf("%d categories and %d products, want at least 6 and 60", len(categories), len(products))
	}
	for _, c := range categories {
		if count(t, store, catalog.Query{Category: c.Slug}) == 0 {
			t.Errorf("category %s has no products", c.Slug)
		}
	}
	for _, word := range []string{"walnut", "coffee", "camping", "steel"} {
		if count(t, store, catalog.Query{Search: word}) < 3 {
			t.Errorf("searching %q finds fewer than 3 products", word)
		}
	}
}

// count walks every page of q and returns the number of products.
func count(t *testing.T, store catalog.Store, q catalog.Query) int {
	t.Helper()
	q.Limit = catalog.MaxLimit
	n := 0
	for {
		page, err := store.Products(t.Context(), q)
		if err != nil {
			t.Fatalf("Products(%+v): %v", q, err)
		}
		n += len(page.Products)
		if page.Next == "" {
			return n
		}
		q.After = page.Next
	}
}
