// Package catalogtest is the contract suite for catalog.Store: every
// adapter runs the same tests, so the memory store used by handler tests
// behaves like the database stores used in production.
//
//	func TestStore(t *testing.T) {
//		catalogtest.Run(t, func(t *testing.T) catalog.Store { return memory.NewStore() })
//	}
package catalogtest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/catalog/internal/catalog"
)

// workers is the number of goroutines of the concurrency tests.
const workers = 20

// now is the clock of the suite: UTC, to the microsecond, as the service
// gives it to stores.
var now = time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)

// Run runs the contract suite. newStore returns an empty store for one
// subtest; the subtests run in parallel, each on a store of its own.
func Run(t *testing.T, newStore func(t *testing.T) catalog.Store) {
	tests := []struct {
		name string
		test func(*testing.T, catalog.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"DuplicateSKU", testDuplicateSKU},
		{"UnknownCategory", testUnknownCategory},
		{"NotFound", testNotFound},
		{"Pagination", testPagination},
		{"CategoryFilter", testCategoryFilter},
		{"Search", testSearch},
		{"Archived", testArchived},
		{"Update", testUpdate},
		{"UpdateError", testUpdateError},
		{"UpdateUnknownCategory", testUpdateUnknownCategory},
		{"UpdateNegativeStock", testUpdateNegativeStock},
		{"UpdateNotFound", testUpdateNotFound},
		{"Categories", testCategories},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"NoOversell", testNoOversell},
	}
	tests = append(tests, eventTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, newStore(t))
		})
	}
}

func testCreateAndGet(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	want := mustCreate(t, s, 1, catalog.NewProduct{
		SKU: "KIT-001", Name: "Cast Iron Skillet", Description: "Pre-seasoned, 10 inch.",
		Price: catalog.Money{Amount: 3499, Currency: "USD"}, Category: "kitchen", Stock: 12,
	})
	got, err := s.Product(ctx, want.ID)
	if err != nil {
		t.Fatalf("Product: %v", err)
	}
	checkProduct(t, got, want)
	if got.CreatedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC {
		t.Errorf("times in %v and %v, want UTC", got.CreatedAt.Location(), got.UpdatedAt.Location())
	}
}

func testDuplicateSKU(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen")
	mustCreate(t, s, 1, newProduct("KIT-001", "kitchen"))
	p := product(t, 2, newProduct("KIT-001", "kitchen"))
	if err := s.CreateProduct(t.Context(), p); !errors.Is(err, catalog.ErrDuplicateSKU) {
		t.Fatalf("CreateProduct with a taken SKU: got %v, want %v", err, catalog.ErrDuplicateSKU)
	}
	checkNotFound(t, s, p.ID)
}

func testUnknownCategory(t *testing.T, s catalog.Store) {
	p := product(t, 1, newProduct("KIT-001", "kitchen"))
	if err := s.CreateProduct(t.Context(), p); !errors.Is(err, catalog.ErrUnknownCategory) {
		t.Fatalf("CreateProduct in a missing category: got %v, want %v", err, catalog.ErrUnknownCategory)
	}
	checkNotFound(t, s, p.ID)
}

func testNotFound(t *testing.T, s catalog.Store) {
	checkNotFound(t, s, id(1))
	checkNotFound(t, s, "not-a-uuid")
}

func testPagination(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	var want []string // newest first
	for n := range 25 {
		p := mustCreate(t, s, n+1, newProduct(fmt.Sprintf("KIT-%03d", n), "kitchen"))
		want = slices.Insert(want, 0, p.ID)
	}

	var got []string
	q := catalog.Query{Limit: 10}
	for pages := 1; ; pages++ {
		page, err := s.Products(ctx, q)
		if err != nil {
			t.Fatalf("Products(%+v): %v", q, err)
		}
		got = append(got, ids(page.Products)...)
		if page.Next == "" {
			if pages != 3 || len(page.Products) != 5 {
				t.Errorf("last page is page %d with %d products, want page 3 with 5", pages, len(page.Products))
			}
			break
		}
		if len(page.Products) != q.Limit {
			t.Errorf("page %d has %d products and a next page, want %d", pages, len(page.Products), q.Limit)
		}
		if last := page.Products[len(page.Products)-1].ID; page.Next != last {
			t.Errorf("page %d: Next = %q, want the last ID %q", pages, page.Next, last)
		}
		if pages > 3 {
			t.Fatalf("more than 3 pages of 10 for 25 products")
		}
		q.After = page.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("walking every page: got IDs\n%v\nwant, newest first,\n%v", got, want)
	}

	// A page holding exactly the remaining products is the last page.
	page, err := s.Products(ctx, catalog.Query{Limit: 25})
	if err != nil {
		t.Fatalf("Products: %v", err)
	}
	if len(page.Products) != 25 || page.Next != "" {
		t.Errorf("limit 25 of 25: got %d products and Next %q, want 25 and \"\"", len(page.Products), page.Next)
	}
}

func testCategoryFilter(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen", "garden")
	var want []string
	for n := range 6 {
		category := []string{"kitchen", "garden"}[n%2]
		p := mustCreate(t, s, n+1, newProduct(fmt.Sprintf("SKU-%d", n), category))
		if category == "garden" {
			want = slices.Insert(want, 0, p.ID)
		}
	}
	checkList(t, s, catalog.Query{Category: "garden", Limit: 10}, want)
	checkList(t, s, catalog.Query{Category: "garden", Limit: 2}, want[:2])
	checkList(t, s, catalog.Query{Category: "garden", After: want[1], Limit: 2}, want[2:])
	checkList(t, s, catalog.Query{Category: "toys", Limit: 10}, nil)
}

func testSearch(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen", "furniture")
	create := func(n int, category, name, description string) string {
		np := newProduct(fmt.Sprintf("SKU-%d", n), category)
		np.Name, np.Description = name, description
		return mustCreate(t, s, n, np).ID
	}
	table := create(1, "furniture", "Walnut Dining Table", "Solid hardwood, seats six.")
	board := create(2, "kitchen", "Cutting Board", "End-grain walnut, oiled by hand.")
	bench := create(3, "furniture", "Garden Bench", "Weatherproof oak slats.")
	stool := create(4, "furniture", "Oak Stool", "Walnut seat on oak legs.")
	archived := create(5, "furniture", "Walnut Shelf", "Floating walnut shelf.")
	archive(t, s, archived)

	for _, tt := range []struct {
		name string
		q    catalog.Query
		want []string
	}{
		{"name or description", catalog.Query{Search: "walnut"}, []string{stool, board, table}},
		{"any case", catalog.Query{Search: "WALNUT"}, []string{stool, board, table}},
		{"another word", catalog.Query{Search: "oak"}, []string{stool, bench}},
		{"every word", catalog.Query{Search: "walnut oak"}, []string{stool}},
		{"words in any field", catalog.Query{Search: "cutting oiled"}, []string{board}},
		{"with category", catalog.Query{Search: "walnut", Category: "furniture"}, []string{stool, table}},
		{"paged", catalog.Query{Search: "walnut", Limit: 2}, []string{stool, board}},
		{"next page", catalog.Query{Search: "walnut", After: board}, []string{table}},
		{"no match", catalog.Query{Search: "mahogany"}, nil},
		{"one word missing", catalog.Query{Search: "bench walnut"}, nil},
		{"only in the archived", catalog.Query{Search: "floating"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.Limit == 0 {
				tt.q.Limit = 10
			}
			checkList(t, s, tt.q, tt.want)
		})
	}
}

func testArchived(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	kept := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	gone := mustCreate(t, s, 2, newProduct("KIT-2", "kitchen"))
	archived := archive(t, s, gone.ID)

	checkList(t, s, catalog.Query{Limit: 10}, []string{kept.ID})
	checkList(t, s, catalog.Query{Category: "kitchen", Limit: 10}, []string{kept.ID})
	got, err := s.Product(ctx, gone.ID)
	if err != nil {
		t.Fatalf("Product(archived): %v", err)
	}
	checkProduct(t, got, archived)
	if got.Status != catalog.StatusArchived {
		t.Errorf("Status = %q, want %q", got.Status, catalog.StatusArchived)
	}
}

func testUpdate(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen", "garden")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	name, category := "Renamed", "garden"
	patch := catalog.Patch{
		Name: &name, Category: &category,
		Price: &catalog.Money{Amount: 1999, Currency: "EUR"},
	}
	later := now.Add(time.Hour)
	got, err := s.UpdateProduct(ctx, p.ID, noEvents(func(p *catalog.Product) error { return patch.Apply(p, later) }))
	if err != nil {
		t.Fatalf("UpdateProduct: %v", err)
	}
	want := p
	want.Name, want.Category, want.Price = name, category, *patch.Price
	want.Version, want.UpdatedAt = p.Version+1, later
	checkProduct(t, got, want)
	stored, err := s.Product(ctx, p.ID)
	if err != nil {
		t.Fatalf("Product: %v", err)
	}
	checkProduct(t, stored, want)
}

func testUpdateError(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	errRefused := errors.New("refused")
	_, err := s.UpdateProduct(ctx, p.ID, noEvents(func(p *catalog.Product) error {
		p.Name = "Changed"
		p.Version++
		return errRefused
	}))
	if !errors.Is(err, errRefused) {
		t.Fatalf("UpdateProduct: got %v, want the update's error %v", err, errRefused)
	}
	checkStored(t, s, p)
}

func testUpdateUnknownCategory(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	category := "toys"
	_, err := s.UpdateProduct(t.Context(), p.ID, noEvents(func(p *catalog.Product) error {
		return catalog.Patch{Category: &category}.Apply(p, now)
	}))
	if !errors.Is(err, catalog.ErrUnknownCategory) {
		t.Fatalf("UpdateProduct to a missing category: got %v, want %v", err, catalog.ErrUnknownCategory)
	}
	checkStored(t, s, p)
}

// testUpdateNegativeStock checks that the store itself refuses a negative
// stock, whatever the update does.
func testUpdateNegativeStock(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	_, err := s.UpdateProduct(t.Context(), p.ID, noEvents(func(p *catalog.Product) error {
		p.Stock = -1
		return nil
	}))
	if !errors.Is(err, catalog.ErrInsufficientStock) {
		t.Fatalf("UpdateProduct to a negative stock: got %v, want %v", err, catalog.ErrInsufficientStock)
	}
	checkStored(t, s, p)
}

func testUpdateNotFound(t *testing.T, s catalog.Store) {
	called := false
	_, err := s.UpdateProduct(t.Context(), id(1), noEvents(func(*catalog.Product) error {
		called = true
		return nil
	}))
	if !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("UpdateProduct of a missing product: got %v, want %v", err, catalog.ErrNotFound)
	}
	if called {
		t.Errorf("UpdateProduct called update for a missing product")
	}
}

func testCategories(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	got, err := s.Categories(ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("Categories of an empty store = %v, %v; want none", got, err)
	}
	for _, c := range []catalog.Category{
		{Slug: "toys", Name: "Toys"},
		{Slug: "garden", Name: "Garden"},
		{Slug: "kitchen", Name: "Kitchen"},
		{Slug: "toys", Name: "Games"}, // renames toys
	} {
		if err := s.CreateCategory(ctx, c); err != nil {
			t.Fatalf("CreateCategory(%+v): %v", c, err)
		}
	}
	got, err = s.Categories(ctx)
	if err != nil {
		t.Fatalf("Categories: %v", err)
	}
	want := []catalog.Category{{Slug: "toys", Name: "Games"}, {Slug: "garden", Name: "Garden"}, {Slug: "kitchen", Name: "Kitchen"}}
	if !slices.Equal(got, want) {
		t.Errorf("Categories = %v, want %v", got, want)
	}
}

// testConcurrentUpdates checks that no update is lost: every increment
// made at the same time as the others is kept.
func testConcurrentUpdates(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	errs := concurrently(t, func() error {
		_, err := s.UpdateProduct(t.Context(), p.ID, noEvents(func(p *catalog.Product) error {
			return p.AdjustStock(1, now)
		}))
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("UpdateProduct: %v", err)
		}
	}
	got := stored(t, s, p.ID)
	if got.Stock != p.Stock+workers || got.Version != p.Version+workers {
		t.Errorf("after %d increments of stock %d at version %d: stock %d at version %d, want %d at %d",
			workers, p.Stock, p.Version, got.Stock, got.Version, p.Stock+workers, p.Version+workers)
	}
}

// testNoOversell checks that concurrent withdrawals never take more than
// the stock: with 10 in stock, exactly 10 of 20 succeed.
func testNoOversell(t *testing.T, s catalog.Store) {
	const stock = 10
	addCategories(t, s, "kitchen")
	np := newProduct("KIT-1", "kitchen")
	np.Stock = stock
	p := mustCreate(t, s, 1, np)
	errs := concurrently(t, func() error {
		_, err := s.UpdateProduct(t.Context(), p.ID, noEvents(func(p *catalog.Product) error {
			if p.Stock < 0 {
				t.Errorf("update saw stock %d", p.Stock)
			}
			return p.AdjustStock(-1, now)
		}))
		return err
	})
	var ok, refused int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, catalog.ErrInsufficientStock):
			refused++
		default:
			t.Errorf("UpdateProduct: %v", err)
		}
	}
	if ok != stock || refused != workers-stock {
		t.Errorf("%d withdrawals of 1 from %d: %d succeeded and %d were refused, want %d and %d",
			workers, stock, ok, refused, stock, workers-stock)
	}
	if got := stored(t, s, p.ID); got.Stock != 0 || got.Version != p.Version+stock {
		t.Errorf("final stock %d at version %d, want 0 at version %d", got.Stock, got.Version, p.Version+stock)
	}
}

// concurrently calls f from workers goroutines released at once, and
// returns their errors.
func concurrently(t *testing.T, f func() error) []error {
	t.Helper()
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			<-start
			errs[i] = f()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// id returns the n-th product ID of a test: a UUIDv7 that sorts after the
// (n-1)-th, as the IDs the service issues do.
func id(n int) string { return fmt.Sprintf("01959ad0-0000-7000-8000-%012x", n) }

// newProduct returns a valid NewProduct with the given SKU and category.
func newProduct(sku, category string) catalog.NewProduct {
	return catalog.NewProduct{
		SKU: sku, Name: "Product " + sku, Description: "A product for testing.",
		Price: catalog.Money{Amount: 1000, Currency: "USD"}, Category: category, Stock: 5,
	}
}

// product returns np created as the n-th product of a test.
func product(t *testing.T, n int, np catalog.NewProduct) catalog.Product {
	t.Helper()
	p, err := np.Create(id(n), now)
	if err != nil {
		t.Fatalf("NewProduct.Create: %v", err)
	}
	return p
}

// mustCreate stores np as the n-th product of a test and returns it.
func mustCreate(t *testing.T, s catalog.Store, n int, np catalog.NewProduct) catalog.Product {
	t.Helper()
	p := product(t, n, np)
	if err := s.CreateProduct(t.Context(), p); err != nil {
		t.Fatalf("CreateProduct(%s): %v", p.SKU, err)
	}
	return p
}

func addCategories(t *testing.T, s catalog.Store, slugs ...string) {
	t.Helper()
	for _, slug := range slugs {
		if err := s.CreateCategory(t.Context(), catalog.Category{Slug: slug, Name: slug}); err != nil {
			t.Fatalf("CreateCategory(%s): %v", slug, err)
		}
	}
}

// archive archives the product with the given ID and returns it.
func archive(t *testing.T, s catalog.Store, id string) catalog.Product {
	t.Helper()
	p, err := s.UpdateProduct(t.Context(), id, noEvents(func(p *catalog.Product) error {
		p.Archive(now)
		return nil
	}))
	if err != nil {
		t.Fatalf("archive %s: %v", id, err)
	}
	return p
}

func stored(t *testing.T, s catalog.Store, id string) catalog.Product {
	t.Helper()
	p, err := s.Product(t.Context(), id)
	if err != nil {
		t.Fatalf("Product(%s): %v", id, err)
	}
	return p
}

// checkStored checks that the store holds want, unchanged.
func checkStored(t *testing.T, s catalog.Store, want catalog.Product) {
	t.Helper()
	checkProduct(t, stored(t, s, want.ID), want)
}

func checkNotFound(t *testing.T, s catalog.Store, id string) {
	t.Helper()
	if _, err := s.Product(t.Context(), id); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Product(%q): got %v, want %v", id, err, catalog.ErrNotFound)
	}
}

// checkList checks that q lists the products with the IDs in want, in that
// order.
func checkList(t *testing.T, s catalog.Store, q catalog.Query, want []string) {
	t.Helper()
	page, err := s.Products(t.Context(), q)
	if err != nil {
		t.Fatalf("Products(%+v): %v", q, err)
	}
	if got := ids(page.Products); !slices.Equal(got, want) {
		t.Errorf("Products(%+v) = %v, want %v", q, got, want)
	}
}

// checkProduct compares products, times by instant.
func checkProduct(t *testing.T, got, want catalog.Product) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("created %v and updated %v, want %v and %v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
	want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("got product\n%+v\nwant\n%+v", got, want)
	}
}

func ids(ps []catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// noEvents adapts an update that announces nothing.
func noEvents(update func(*catalog.Product) error) func(*catalog.Product) ([]event.Envelope, error) {
	return func(p *catalog.Product) ([]event.Envelope, error) { return nil, update(p) }
}
