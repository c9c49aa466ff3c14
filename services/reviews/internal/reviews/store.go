package reviews

import "context"

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

// Store keeps reviews, helpful votes and rating summaries. The summary of a
// product must always equal the histogram of its reviews' ratings, and a
// review's HelpfulCount the number of its votes, whatever runs concurrently.
type Store interface {
	// CreateReview stores a new review and counts it in its product's
	// summary. It returns ErrDuplicateReview when the author has already
	// reviewed the product.
	CreateReview(ctx context.Context, r Review) error

	// Review returns the review with the given ID, or ErrNotFound.
	Review(ctx context.Context, id string) (Review, error)

	// Reviews returns one page of a product's reviews in q's order.
	Reviews(ctx context.Context, q Query) (Page, error)

	// UpdateReview reads the review, calls update on it and saves the
	// result, atomically: a change made between read and save makes the
	// call retry, and fail with ErrConflict after optimistic.Attempts. A changed rating moves the
	// review in its product's summary. update's error is returned as is and
	// nothing is saved. It returns ErrNotFound when the review does not
	// exist. update may change Rating, Title, Body, UpdatedAt and Version;
	// changes to other fields are not saved.
	UpdateReview(ctx context.Context, id string, update func(*Review) error) (Review, error)

	// DeleteReview reads the review, calls check on it and, if check returns
	// nil, deletes the review and its votes and removes it from its product's
	// summary, atomically with respect to other changes of the review.
	// check's error is returned as is. It returns ErrNotFound when the review
	// does not exist.
	DeleteReview(ctx context.Context, id string, check func(Review) error) error

	// AddHelpfulVote records voterID's helpful vote for the review and
	// returns the review with its count raised. It returns ErrNotFound when
	// the review does not exist and ErrDuplicateVote when voterID has
	// already voted for it. It does not check who the author is.
	AddHelpfulVote(ctx context.Context, reviewID, voterID string) (Review, error)

	// Summary returns the rating summary of a product; a product without
	// reviews has an empty one.
	Summary(ctx context.Context, productID string) (Summary, error)
}
