package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/validation"
)

// Service carries out the catalog's use cases on a Store.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service on store.
func NewService(store Store) *Service {
	return &Service{store: store, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// CreateProduct validates n and stores it as a new active product.
func (s *Service) CreateProduct(ctx context.Context, n NewProduct) (Product, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Product{}, fmt.Errorf("new product id: %w", err)
	}
	p, err := n.Create(id.String(), s.now())
	if err != nil {
		return Product{}, err
	}
	if err := s.store.CreateProduct(ctx, p); err != nil {
		return Product{}, err
	}
	return p, nil
}

// Product returns the product with the given ID.
func (s *Service) Product(ctx context.Context, id string) (Product, error) {
	if !validID(id) {
		return Product{}, ErrNotFound
	}
	return s.store.Product(ctx, id)
}

// Products returns a page of active products.
func (s *Service) Products(ctx context.Context, q Query) (Page, error) {
	if q.Limit < 1 || q.Limit > MaxLimit {
		return Page{}, validation.Field("limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	}
	if q.After != "" && !validID(q.After) {
		return Page{}, validation.Field("cursor", "is not a cursor this API issued")
	}
	if !ValidText(q.Search) {
		return Page{}, validation.Field("q", "must be UTF-8 text without NUL characters")
	}
	return s.store.Products(ctx, q)
}

// UpdateProduct applies patch when match accepts the product's current
// version (the request's If-Match); it returns ErrVersionMismatch when it
// does not.
func (s *Service) UpdateProduct(ctx context.Context, id string, match func(version int) bool, patch Patch) (Product, error) {
	return s.update(ctx, id, func(p *Product) error {
		if !match(p.Version) {
			return ErrVersionMismatch
		}
		return patch.Apply(p, s.now())
	})
}

// ArchiveProduct stops selling a product whose current version match
// accepts; it returns ErrVersionMismatch when it does not. Archiving twice
// is harmless.
func (s *Service) ArchiveProduct(ctx context.Context, id string, match func(version int) bool) (Product, error) {
	return s.update(ctx, id, func(p *Product) error {
		if !match(p.Version) {
			return ErrVersionMismatch
		}
		p.Archive(s.now())
		return nil
	})
}

// AdjustStock adds delta to a product's stock, never letting it fall below
// zero however many adjustments run at once.
func (s *Service) AdjustStock(ctx context.Context, id string, delta int) (Product, error) {
	return s.update(ctx, id, func(p *Product) error { return p.AdjustStock(delta, s.now()) })
}

// Categories returns every category.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return s.store.Categories(ctx)
}

func (s *Service) update(ctx context.Context, id string, fn func(*Product) error) (Product, error) {
	if !validID(id) {
		return Product{}, ErrNotFound
	}
	return s.store.UpdateProduct(ctx, id, fn)
}

// validID reports whether id can be a product ID. Checking it before the
// store answers malformed IDs with "not found" instead of a driver error.
func validID(id string) bool { return validation.UUID(id) }
