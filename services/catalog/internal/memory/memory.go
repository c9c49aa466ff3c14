// Package memory implements catalog.Store in memory, for tests and for
// running the catalog without a database. It keeps the semantics of the
// PostgreSQL store (package postgres), checked by the same contract suite
// (package catalogtest), with one approximation: full-text search.
//
// PostgreSQL matches websearch_to_tsquery('english', q) against the
// product's name and description, with stemming ("chairs" finds "chair"),
// stop words ("the" finds nothing) and operators ("quoted phrases", -not,
// or). This store instead splits the query into words (runs of letters and
// digits), and a product matches when every query word occurs, ignoring
// case, as a whole word of its name or description. A query without words
// matches nothing. Searches for whole words that are not stop words give
// the same results in both stores.
package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/catalog/internal/catalog"
)

var _ catalog.Store = (*Store)(nil)

// Store is a catalog.Store held in memory. It is safe for concurrent use.
// Products and categories hold no references, so values passed in and
// returned are copies: changing them never changes the store.
type Store struct {
	mu           sync.Mutex
	products     map[string]catalog.Product // by ID, without their ratings
	skus         map[string]string          // product ID by SKU
	categories   map[string]string          // name by slug
	outbox       []event.Envelope           // in the order written
	processed    map[string]time.Time       // when each event ID was processed
	reservations map[string]reservation     // by order ID
	ratings      map[string]catalog.Rating  // by product ID
	now          func() time.Time
}

// reservation is what the store remembers of an order.
type reservation struct {
	status catalog.ReservationStatus
	lines  []catalog.OrderLine
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		products:     make(map[string]catalog.Product),
		skus:         make(map[string]string),
		categories:   make(map[string]string),
		processed:    make(map[string]time.Time),
		reservations: make(map[string]reservation),
		ratings:      make(map[string]catalog.Rating),
		now:          time.Now,
	}
}

// CreateProduct implements catalog.Store.
func (s *Store) CreateProduct(ctx context.Context, p catalog.Product, events ...event.Envelope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.products[p.ID]; taken {
		return fmt.Errorf("memory: product ID %s is taken", p.ID)
	}
	if err := s.check(p, ""); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = storedTime(p.CreatedAt), storedTime(p.UpdatedAt)
	p.Rating = catalog.Rating{}
	s.products[p.ID] = p
	s.skus[p.SKU] = p.ID
	s.outbox = append(s.outbox, events...)
	return nil
}

// Product implements catalog.Store.
func (s *Store) Product(ctx context.Context, id string) (catalog.Product, error) {
	if err := ctx.Err(); err != nil {
		return catalog.Product{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.products[id]
	if !ok {
		return catalog.Product{}, catalog.ErrNotFound
	}
	return s.rated(p), nil
}

// rated returns p with its rating. s.mu must be held.
func (s *Store) rated(p catalog.Product) catalog.Product {
	p.Rating = s.ratings[p.ID]
	return p
}

// Products implements catalog.Store. See the package documentation for how
// Query.Search matches.
func (s *Store) Products(ctx context.Context, q catalog.Query) (catalog.Page, error) {
	if err := ctx.Err(); err != nil {
		return catalog.Page{}, err
	}
	limit := q.Limit
	if limit < 1 || limit > catalog.MaxLimit {
		limit = catalog.DefaultLimit
	}
	var terms []string
	if q.Search != "" {
		if terms = words(q.Search); len(terms) == 0 {
			return catalog.Page{}, nil
		}
	}

	s.mu.Lock()
	var found []catalog.Product
	for _, p := range s.products {
		if p.Status == catalog.StatusActive &&
			(q.Category == "" || p.Category == q.Category) &&
			(q.After == "" || p.ID < q.After) &&
			matches(p, terms) {
			found = append(found, s.rated(p))
		}
	}
	s.mu.Unlock()

	slices.SortFunc(found, func(a, b catalog.Product) int { return strings.Compare(b.ID, a.ID) })
	var page catalog.Page
	if len(found) > limit {
		found = found[:limit]
		page.Next = found[limit-1].ID
	}
	page.Products = found
	return page, nil
}

// UpdateProduct implements catalog.Store. The store stays locked while
// update runs, so update must not call the store.
func (s *Store) UpdateProduct(ctx context.Context, id string, update func(*catalog.Product) ([]event.Envelope, error)) (catalog.Product, error) {
	if err := ctx.Err(); err != nil {
		return catalog.Product{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.products[id]
	if !ok {
		return catalog.Product{}, catalog.ErrNotFound
	}
	p := s.rated(old)
	events, err := update(&p)
	if err != nil {
		return catalog.Product{}, err
	}
	// Like an SQL UPDATE of the other columns, the ID and creation time
	// never change.
	p.ID, p.CreatedAt = old.ID, old.CreatedAt
	p.UpdatedAt = storedTime(p.UpdatedAt)
	if err := s.check(p, id); err != nil {
		return catalog.Product{}, err
	}
	delete(s.skus, old.SKU)
	s.skus[p.SKU] = id
	p.Rating = catalog.Rating{}
	s.products[id] = p
	s.outbox = append(s.outbox, events...)
	return s.rated(p), nil
}

// CreateCategory implements catalog.Store.
func (s *Store) CreateCategory(ctx context.Context, c catalog.Category) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.categories[c.Slug] = c.Name
	return nil
}

// Categories implements catalog.Store. Names are compared byte by byte;
// equal names are ordered by slug.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	cs := make([]catalog.Category, 0, len(s.categories))
	for slug, name := range s.categories {
		cs = append(cs, catalog.Category{Slug: slug, Name: name})
	}
	s.mu.Unlock()
	slices.SortFunc(cs, func(a, b catalog.Category) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return cs, nil
}

// check enforces what the database's constraints enforce for p, stored
// under the ID self ("" for a new product). s.mu must be held.
func (s *Store) check(p catalog.Product, self string) error {
	if owner, taken := s.skus[p.SKU]; taken && owner != self {
		return catalog.ErrDuplicateSKU
	}
	if _, ok := s.categories[p.Category]; !ok {
		return catalog.ErrUnknownCategory
	}
	if p.Stock < 0 {
		return catalog.ErrInsufficientStock
	}
	return nil
}

// storedTime returns t as the database returns it: in UTC, to the
// microsecond.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// matches reports whether every term is a word of p's name or description.
func matches(p catalog.Product, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	have := words(p.Name + " " + p.Description)
	for _, t := range terms {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return true
}

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
