package reviews

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/validation"
)

// Service carries out the reviews context's use cases on a Store.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service on store.
func NewService(store Store) *Service {
	return &Service{store: store, now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
}

// CreateReview validates n and stores it as a new review. It returns
// ErrDuplicateReview when the author has already reviewed the product.
func (s *Service) CreateReview(ctx context.Context, n NewReview) (Review, error) {
	if !ValidID(n.ProductID) {
		return Review{}, validation.Field("productId", "must be a product id")
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Review{}, fmt.Errorf("new review id: %w", err)
	}
	r, err := n.Create(id.String(), s.now())
	if err != nil {
		return Review{}, err
	}
	if err := s.store.CreateReview(ctx, r); err != nil {
		return Review{}, err
	}
	return r, nil
}

// Review returns the review with the given ID.
func (s *Service) Review(ctx context.Context, id string) (Review, error) {
	if !ValidID(id) {
		return Review{}, ErrNotFound
	}
	return s.store.Review(ctx, id)
}

// Reviews returns a page of a product's reviews.
func (s *Service) Reviews(ctx context.Context, q Query) (Page, error) {
	var errs validation.Errors
	errs.Check(q.Limit >= 1 && q.Limit <= MaxLimit, "limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	_, ok := ParseSort(string(q.Sort))
	errs.Check(ok && q.Sort != "", "sort", "must be newest, helpful or rating")
	errs.Check(q.After == nil || ValidID(q.After.ID), "cursor", "is not a cursor this API issued")
	if err := errs.Err(); err != nil {
		return Page{}, err
	}
	if !ValidID(q.ProductID) {
		return Page{}, nil // no product has this id, so it has no reviews
	}
	return s.store.Reviews(ctx, q)
}

// Summary returns a product's rating summary.
func (s *Service) Summary(ctx context.Context, productID string) (Summary, error) {
	if !ValidID(productID) {
		return Summary{ProductID: productID}, nil
	}
	return s.store.Summary(ctx, productID)
}

// UpdateReview applies patch to the review of author when match accepts its
// current version (the request's If-Match). It returns ErrNotAuthor when
// someone else wrote the review and ErrVersionMismatch when match refuses.
func (s *Service) UpdateReview(ctx context.Context, author, id string, match func(version int) bool, patch Patch) (Review, error) {
	if !ValidID(id) {
		return Review{}, ErrNotFound
	}
	return s.store.UpdateReview(ctx, id, func(r *Review) error {
		switch {
		case r.Author.Subject != author:
			return ErrNotAuthor
		case !match(r.Version):
			return ErrVersionMismatch
		}
		return patch.Apply(r, s.now())
	})
}

// DeleteReview deletes a review on behalf of caller: its author, or anyone
// when admin is true, when match accepts its current version.
func (s *Service) DeleteReview(ctx context.Context, caller string, admin bool, id string, match func(version int) bool) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	return s.store.DeleteReview(ctx, id, func(r Review) error {
		switch {
		case !admin && r.Author.Subject != caller:
			return ErrNotAuthor
		case !match(r.Version):
			return ErrVersionMismatch
		}
		return nil
	})
}

// VoteHelpful records voter's helpful vote for a review. It returns
// ErrOwnReview when voter wrote the review and ErrDuplicateVote when voter
// has already voted for it.
func (s *Service) VoteHelpful(ctx context.Context, voter, id string) (Review, error) {
	r, err := s.Review(ctx, id)
	if err != nil {
		return Review{}, err
	}
	// The author of a review never changes, so this check cannot race.
	if r.Author.Subject == voter {
		return Review{}, ErrOwnReview
	}
	return s.store.AddHelpfulVote(ctx, id, voter)
}

// ValidID reports whether id can be a review or product ID. Checking it
// before the store answers malformed IDs with "not found" instead of a
// driver error.
func ValidID(id string) bool { return validation.UUID(id) }
