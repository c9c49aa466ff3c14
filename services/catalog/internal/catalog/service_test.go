package catalog_test

import (
	"errors"
	"testing"
	"time"

	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/memory"
)

// newService returns a service on an empty memory store with the kitchen
// category, and a product created through it.
func newService(t *testing.T) (*catalog.Service, catalog.Product) {
	t.Helper()
	store := memory.NewStore()
	if err := store.CreateCategory(t.Context(), catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		t.Fatalf("CreateCategory: %v", err)
	}
	svc := catalog.NewService(store)
	p, err := svc.CreateProduct(t.Context(), validNewProduct())
	if err != nil {
		t.Fatalf("CreateProduct: %v", err)
	}
	return svc, p
}

func TestServiceCreateProduct(t *testing.T) {
	svc, p := newService(t)
	if p.ID == "" || p.Version != 1 || p.Status != catalog.StatusActive {
		t.Errorf("created %+v, want an ID, version 1 and status active", p)
	}
	if p.CreatedAt.Location() != time.UTC || p.CreatedAt.Nanosecond()%1000 != 0 {
		t.Errorf("CreatedAt = %v, want UTC to the microsecond", p.CreatedAt)
	}
	got, err := svc.Product(t.Context(), p.ID)
	if err != nil || got != p {
		t.Errorf("Product = %+v, %v; want %+v", got, err, p)
	}
	if _, err := svc.CreateProduct(t.Context(), catalog.NewProduct{}); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("CreateProduct(invalid): got %v, want %v", err, catalog.ErrInvalid)
	}
}

func TestServiceVersionMismatch(t *testing.T) {
	svc, p := newService(t)
	ctx := t.Context()
	name := "Renamed"
	updated, err := svc.UpdateProduct(ctx, p.ID, at(p.Version), catalog.Patch{Name: &name})
	if err != nil {
		t.Fatalf("UpdateProduct at the current version: %v", err)
	}
	if updated.Version != p.Version+1 || updated.Name != name {
		t.Errorf("updated to version %d name %q, want %d and %q", updated.Version, updated.Name, p.Version+1, name)
	}

	stale := p.Version
	other := "Lost"
	if _, err := svc.UpdateProduct(ctx, p.ID, at(stale), catalog.Patch{Name: &other}); !errors.Is(err, catalog.ErrVersionMismatch) {
		t.Errorf("UpdateProduct at a stale version: got %v, want %v", err, catalog.ErrVersionMismatch)
	}
	if _, err := svc.ArchiveProduct(ctx, p.ID, at(stale)); !errors.Is(err, catalog.ErrVersionMismatch) {
		t.Errorf("ArchiveProduct at a stale version: got %v, want %v", err, catalog.ErrVersionMismatch)
	}
	got, err := svc.Product(ctx, p.ID)
	if err != nil {
		t.Fatalf("Product: %v", err)
	}
	if got != updated {
		t.Errorf("after refused changes, product is\n%+v\nwant\n%+v", got, updated)
	}
}

func TestServiceArchiveProduct(t *testing.T) {
	svc, p := newService(t)
	ctx := t.Context()
	archived, err := svc.ArchiveProduct(ctx, p.ID, at(p.Version))
	if err != nil {
		t.Fatalf("ArchiveProduct: %v", err)
	}
	if archived.Status != catalog.StatusArchived || archived.Version != p.Version+1 {
		t.Errorf("archived: status %q version %d, want %q and %d", archived.Status, archived.Version, catalog.StatusArchived, p.Version+1)
	}
	again, err := svc.ArchiveProduct(ctx, p.ID, anyVersion)
	if err != nil || again != archived {
		t.Errorf("archiving again = %+v, %v; want %+v unchanged", again, err, archived)
	}
	name := "Renamed"
	if _, err := svc.UpdateProduct(ctx, p.ID, at(archived.Version), catalog.Patch{Name: &name}); !errors.Is(err, catalog.ErrArchived) {
		t.Errorf("UpdateProduct of an archived product: got %v, want %v", err, catalog.ErrArchived)
	}
}

func TestServiceAdjustStock(t *testing.T) {
	svc, p := newService(t)
	ctx := t.Context()
	got, err := svc.AdjustStock(ctx, p.ID, -p.Stock)
	if err != nil || got.Stock != 0 {
		t.Fatalf("AdjustStock(-%d) = stock %d, %v; want 0", p.Stock, got.Stock, err)
	}
	if _, err := svc.AdjustStock(ctx, p.ID, -1); !errors.Is(err, catalog.ErrInsufficientStock) {
		t.Errorf("AdjustStock below zero: got %v, want %v", err, catalog.ErrInsufficientStock)
	}
}

func TestServiceRefusesMalformedInput(t *testing.T) {
	svc, _ := newService(t)
	ctx := t.Context()
	for _, id := range []string{"", "42", "01959AD0000070008000000000000001"} {
		if _, err := svc.Product(ctx, id); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Product(%q): got %v, want %v", id, err, catalog.ErrNotFound)
		}
		if _, err := svc.AdjustStock(ctx, id, 1); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("AdjustStock(%q): got %v, want %v", id, err, catalog.ErrNotFound)
		}
	}
	for _, q := range []catalog.Query{
		{Limit: 0},
		{Limit: catalog.MaxLimit + 1},
		{Limit: 10, After: "not-a-cursor"},
		// PostgreSQL refuses NUL and invalid UTF-8 in text: a 400, not a 500.
		{Limit: 10, Search: "wal\x00nut"},
		{Limit: 10, Search: "wal\xffnut"},
	} {
		if _, err := svc.Products(ctx, q); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("Products(%+v): got %v, want %v", q, err, catalog.ErrInvalid)
		}
	}
}

// at is an If-Match of one version; anyVersion is "*" or no If-Match.
func at(version int) func(int) bool { return func(v int) bool { return v == version } }

func anyVersion(int) bool { return true }
