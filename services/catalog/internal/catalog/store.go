package catalog

import "context"

// Page size bounds for listing products.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Query selects a page of active products, newest first.
type Query struct {
	Category string // only this category when set
	Search   string // full-text search over name and description when set
	After    string // the ID of the last product of the previous page; "" for the first page
	Limit    int    // 1..MaxLimit
}

// Page is one page of products. Next is the ID to pass as Query.After for the
// following page, or "" on the last page.
type Page struct {
	Products []Product
	Next     string
}

// Store keeps products and categories. Product IDs sort in creation order
// (UUIDv7), so "newest first" is "ID descending" and a page resumes after
// the last ID it showed.
type Store interface {
	// CreateProduct stores a new product. It returns ErrDuplicateSKU when the
	// SKU is taken and ErrUnknownCategory when the category does not exist.
	CreateProduct(ctx context.Context, p Product) error

	// Product returns the product with the given ID, or ErrNotFound.
	Product(ctx context.Context, id string) (Product, error)

	// Products returns one page of active products matching q.
	Products(ctx context.Context, q Query) (Page, error)

	// UpdateProduct reads the product, calls update on it and saves the
	// result, atomically: no concurrent change is lost, and a change made
	// between read and save makes the whole call retry or fail. update's error
	// is returned as is and nothing is saved. It returns ErrNotFound when the
	// product does not exist and ErrUnknownCategory when the new category does
	// not exist.
	UpdateProduct(ctx context.Context, id string, update func(*Product) error) (Product, error)

	// CreateCategory stores a category; creating an existing slug again
	// updates its name.
	CreateCategory(ctx context.Context, c Category) error

	// Categories returns every category, ordered by name.
	Categories(ctx context.Context) ([]Category, error)
}
