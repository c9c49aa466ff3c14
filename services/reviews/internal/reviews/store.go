package reviews

import (
	"context"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/outbox"
)

// Page size bounds for listing reviews.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Sort is the order of a review listing. Every order ends with the review ID
// descending, and IDs sort in creation order (UUIDv7), so ties list the
// newest first and every review has exactly one place in a listing.
type Sort string

const (
	SortNewest  Sort = "newest"  // creation, newest first
	SortHelpful Sort = "helpful" // helpful votes, most first
	SortRating  Sort = "rating"  // rating, highest first
)

// ParseSort returns the Sort named s; "" is SortNewest.
func ParseSort(s string) (Sort, bool) {
	switch Sort(s) {
	case "", SortNewest:
		return SortNewest, true
	case SortHelpful, SortRating:
		return Sort(s), true
	}
	return "", false
}

// Key returns r's sort key under s: the helpful count, the rating, or 0 for
// SortNewest, whose order the ID alone gives.
func (s Sort) Key(r Review) int {
	switch s {
	case SortHelpful:
		return r.HelpfulCount
	case SortRating:
		return r.Rating
	}
	return 0
}

// Position is where a page ended: the sort key and ID of its last review. The
// next page holds the reviews after it in the listing's order.
type Position struct {
	Key int
	ID  string
}

// Query selects a page of one product's reviews.
type Query struct {
	ProductID string
	Sort      Sort
	After     *Position // nil for the first page
	Limit     int       // 1..MaxLimit
}

// Page is one page of reviews. Next is the Position to pass as Query.After
// for the following page, or nil on the last page.
type Page struct {
	Reviews []Review
	Next    *Position
}

// Store keeps reviews, helpful votes and rating summaries, the projections
// of other contexts' events reviews needs (products, purchases), and its
// outbox. The summary of a product must always equal the histogram of its
// reviews' ratings, and a review's HelpfulCount the number of its votes,
// whatever runs concurrently.
//
// The outbox: every review change carries the events that announce it,
// stored in the same atomic write as the change (in MongoDB, in the review
// document itself), so that no change goes unannounced and no event is
// announced without its change; Pending and Remove (outbox.Store) are how
// the relay publishes them. A deleted review whose event is not published
// yet stays as a tombstone no read ever shows.
type Store interface {
	outbox.Store

	// CreateReview stores a new review with events (its ReviewSubmitted),
	// counts it in its product's summary, then looks up the author's
	// purchases of the product and marks the review a verified purchase
	// if they say so. It returns the review as stored. It returns
	// ErrDuplicateReview, and stores nothing, when the author has already
	// reviewed the product.
	CreateReview(ctx context.Context, r Review, events []event.Envelope) (Review, error)

	// Review returns the review with the given ID, or ErrNotFound.
	Review(ctx context.Context, id string) (Review, error)

	// Reviews returns one page of a product's reviews in q's order.
	Reviews(ctx context.Context, q Query) (Page, error)

	// UpdateReview reads the review, calls update on it and saves the
	// result with the events update returns, atomically: a change made
	// between read and save makes the call retry (calling update again),
	// and fail with ErrConflict after optimistic.Attempts. A changed rating
	// moves the review in its product's summary. update's error is
	// returned as is and nothing is saved. It returns ErrNotFound when the
	// review does not exist. update may change Rating, Title, Body,
	// UpdatedAt and Version; changes to other fields are not saved.
	UpdateReview(ctx context.Context, id string, update func(*Review) ([]event.Envelope, error)) (Review, error)

	// DeleteReview reads the review, calls check on it and, if check
	// returns no error, deletes the review and its votes and removes it
	// from its product's summary, atomically with respect to other changes
	// of the review, storing the events check returns in the same write.
	// check's error is returned as is. It returns ErrNotFound when the
	// review does not exist. The author may review the product again at
	// once.
	DeleteReview(ctx context.Context, id string, check func(Review) ([]event.Envelope, error)) error

	// AddHelpfulVote records voterID's helpful vote for the review and
	// returns the review with its count raised. It returns ErrNotFound when
	// the review does not exist and ErrDuplicateVote when voterID has
	// already voted for it. It does not check who the author is.
	AddHelpfulVote(ctx context.Context, reviewID, voterID string) (Review, error)

	// Summary returns the rating summary of a product; a product without
	// reviews has an empty one.
	Summary(ctx context.Context, productID string) (Summary, error)

	// Product returns the product projection's copy of a product, or
	// ErrProductNotFound.
	Product(ctx context.Context, id string) (Product, error)

	// SaveProduct stores p in the product projection, with the id of the
	// event that carried it, unless the projection holds the same or a
	// later version of it; it reports whether it stored p.
	SaveProduct(ctx context.Context, p Product, eventID string) (bool, error)

	// RecordOrder records o in the purchases of o.CustomerID of each of its
	// products (once per o.EventID), then sets VerifiedPurchase on that
	// customer's review of each to what the purchases now say. Recording
	// the same event again changes nothing.
	RecordOrder(ctx context.Context, o OrderEvent) error
}
