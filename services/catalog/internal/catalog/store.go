package catalog

import (
	"context"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/outbox"
)

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

// Store keeps products and categories, the catalog's outbox, and what the
// catalog keeps from other contexts' events: the orders it decided on and
// its products' ratings. Product IDs sort in creation order (UUIDv7), so
// "newest first" is "ID descending" and a page resumes after the last ID
// it showed.
//
// Every change that announces itself writes its events to the outbox in
// the same atomic operation: a change that fails leaves no event, and an
// event is never there without its change. Pending and Remove (the
// outbox.Store the relay reads) return them oldest first and delete them
// once published.
//
// Every method that handles an event takes the event's ID and records it,
// atomically with the effect; a method given an ID it recorded before
// changes nothing and reports so.
type Store interface {
	outbox.Store

	// CreateProduct stores a new product and events in the outbox. It
	// returns ErrDuplicateSKU when the SKU is taken and ErrUnknownCategory
	// when the category does not exist.
	CreateProduct(ctx context.Context, p Product, events ...event.Envelope) error

	// Product returns the product with the given ID, its rating included,
	// or ErrNotFound.
	Product(ctx context.Context, id string) (Product, error)

	// Products returns one page of active products matching q, their
	// ratings included.
	Products(ctx context.Context, q Query) (Page, error)

	// UpdateProduct reads the product, calls update on it and saves the
	// result with the events update returns in the outbox, atomically: no
	// concurrent change is lost, and a change made between read and save
	// makes the whole call retry or fail. update's error is returned as is
	// and nothing is saved. It returns ErrNotFound when the product does
	// not exist and ErrUnknownCategory when the new category does not
	// exist. The rating is not saved: only RecordRating changes it.
	UpdateProduct(ctx context.Context, id string, update func(*Product) ([]event.Envelope, error)) (Product, error)

	// CreateCategory stores a category; creating an existing slug again
	// updates its name.
	CreateCategory(ctx context.Context, c Category) error

	// Categories returns every category, ordered by name.
	Categories(ctx context.Context) ([]Category, error)

	// ReserveStock handles the placement of order o (its lines one per
	// product, in product-ID order), announced by the event eventID, in one
	// transaction: unless the catalog decided on the order before
	// (reserved, rejected or released), it takes every line's quantity
	// from the stock of its product when the product is active and has
	// enough, or takes nothing at all; then it records the decision and
	// the event announce returns for it in the outbox. It returns the
	// events it wrote: none for a duplicate or an order decided before.
	// However many reservations run at once, no stock falls below zero.
	ReserveStock(ctx context.Context, eventID string, o Order, announce func(StockDecision) (event.Envelope, error)) ([]event.Envelope, error)

	// ReleaseStock handles the cancellation of the order orderID,
	// announced by the event eventID, in one transaction: stock reserved
	// for the order is put back and the order marked released; an order
	// the catalog has not heard of is recorded as released, so that its
	// late placement reserves nothing; a rejected or released order is
	// left as it is. It reports whether it put stock back.
	ReleaseStock(ctx context.Context, eventID, orderID string) (bool, error)

	// RecordRating adds d to the rating sums of the product productID,
	// known to the catalog or not (rating events may arrive before the
	// product's creation), with the event eventID recorded in the same
	// transaction. It reports false for an event recorded before.
	RecordRating(ctx context.Context, eventID, productID string, d RatingDelta) (bool, error)

	// ForgetProcessed forgets the IDs of the events processed before
	// before, and returns how many it forgot.
	ForgetProcessed(ctx context.Context, before time.Time) (int, error)
}
