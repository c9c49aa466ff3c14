package reviews

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/validation"
)

// Relay publishes the events of a change right after the store wrote them
// with it (outbox.Relay). It never fails: what it cannot publish stays in
// the outbox for the sweep.
type Relay interface {
	After(ctx context.Context, events ...event.Envelope)
}

// Service carries out the reviews context's use cases on a Store.
type Service struct {
	store Store
	relay Relay
	now   func() time.Time
}

// NewService returns a Service on store that hands the events of every
// change to relay once the store has written them. A nil relay publishes
// nothing: the events wait in the outbox for a sweep.
func NewService(store Store, relay Relay) *Service {
	return &Service{store: store, relay: relay, now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
}

// publish hands events, just written with their change, to the relay.
func (s *Service) publish(ctx context.Context, events []event.Envelope) {
	if s.relay != nil && len(events) > 0 {
		s.relay.After(ctx, events...)
	}
}

// knownProduct returns ErrProductNotFound unless the product projection
// knows productID.
func (s *Service) knownProduct(ctx context.Context, productID string) error {
	if !ValidID(productID) {
		return ErrProductNotFound
	}
	_, err := s.store.Product(ctx, productID)
	return err
}

// CreateReview validates n and stores it as a new review. It returns
// ErrDuplicateReview when the author has already reviewed the product and
// ErrProductNotFound when the product is unknown.
func (s *Service) CreateReview(ctx context.Context, n NewReview) (Review, error) {
	if !ValidID(n.ProductID) {
		return Review{}, ErrProductNotFound
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Review{}, fmt.Errorf("new review id: %w", err)
	}
	now := s.now()
	r, err := n.Create(id.String(), now)
	if err != nil {
		return Review{}, err
	}
	// After validating: a bad body is a 422 whether or not the product
	// is known.
	if err := s.knownProduct(ctx, n.ProductID); err != nil {
		return Review{}, err
	}
	submitted, err := Submitted(ctx, r, now)
	if err != nil {
		return Review{}, err
	}
	events := []event.Envelope{submitted}
	if r, err = s.store.CreateReview(ctx, r, events); err != nil {
		return Review{}, err
	}
	s.publish(ctx, events)
	return r, nil
}

// Review returns the review with the given ID.
func (s *Service) Review(ctx context.Context, id string) (Review, error) {
	if !ValidID(id) {
		return Review{}, ErrNotFound
	}
	return s.store.Review(ctx, id)
}

// Reviews returns a page of a product's reviews, or ErrProductNotFound.
func (s *Service) Reviews(ctx context.Context, q Query) (Page, error) {
	var errs validation.Errors
	errs.Check(q.Limit >= 1 && q.Limit <= MaxLimit, "limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	_, ok := ParseSort(string(q.Sort))
	errs.Check(ok && q.Sort != "", "sort", "must be newest, helpful or rating")
	errs.Check(q.After == nil || ValidID(q.After.ID), "cursor", "is not a cursor this API issued")
	if err := errs.Err(); err != nil {
		return Page{}, err
	}
	if err := s.knownProduct(ctx, q.ProductID); err != nil {
		return Page{}, err
	}
	return s.store.Reviews(ctx, q)
}

// Summary returns a product's rating summary, or ErrProductNotFound.
func (s *Service) Summary(ctx context.Context, productID string) (Summary, error) {
	if err := s.knownProduct(ctx, productID); err != nil {
		return Summary{}, err
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
	var events []event.Envelope // those of the attempt the store saved: the last
	r, err := s.store.UpdateReview(ctx, id, func(r *Review) ([]event.Envelope, error) {
		events = nil
		switch {
		case r.Author.Subject != author:
			return nil, ErrNotAuthor
		case !match(r.Version):
			return nil, ErrVersionMismatch
		}
		previous, now := r.Rating, s.now()
		if err := patch.Apply(r, now); err != nil {
			return nil, err
		}
		revised, err := Revised(ctx, *r, previous, now)
		if err != nil {
			return nil, err
		}
		events = []event.Envelope{revised}
		return events, nil
	})
	if err != nil {
		return Review{}, err
	}
	s.publish(ctx, events)
	return r, nil
}

// DeleteReview deletes a review on behalf of caller: its author, or anyone
// when admin is true, when match accepts its current version.
func (s *Service) DeleteReview(ctx context.Context, caller string, admin bool, id string, match func(version int) bool) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	var events []event.Envelope
	err := s.store.DeleteReview(ctx, id, func(r Review) ([]event.Envelope, error) {
		events = nil
		switch {
		case !admin && r.Author.Subject != caller:
			return nil, ErrNotAuthor
		case !match(r.Version):
			return nil, ErrVersionMismatch
		}
		withdrawn, err := Withdrawn(ctx, r, s.now())
		if err != nil {
			return nil, err
		}
		events = []event.Envelope{withdrawn}
		return events, nil
	})
	if err != nil {
		return err
	}
	s.publish(ctx, events)
	return nil
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
