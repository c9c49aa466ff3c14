// Package memory is an in-memory reviews.Store with the semantics of the
// MongoDB adapter, for fast tests and for running the context without a
// database.
package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"example.com/quartet/services/reviews/internal/reviews"
)

// Store keeps reviews, votes and summaries in maps guarded by one mutex, so
// every method is atomic.
type Store struct {
	mu        sync.Mutex
	reviews   map[string]reviews.Review
	votes     map[vote]struct{}
	summaries map[string]reviews.Summary
}

type vote struct{ reviewID, voterID string }

var _ reviews.Store = (*Store)(nil)

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		reviews:   make(map[string]reviews.Review),
		votes:     make(map[vote]struct{}),
		summaries: make(map[string]reviews.Summary),
	}
}

// CreateReview implements reviews.Store.
func (s *Store) CreateReview(_ context.Context, r reviews.Review) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.reviews {
		if other.ProductID == r.ProductID && other.Author.Subject == r.Author.Subject {
			return reviews.ErrDuplicateReview
		}
	}
	s.reviews[r.ID] = r
	s.count(r.ProductID, r.Rating, +1)
	return nil
}

// Review implements reviews.Store.
func (s *Store) Review(_ context.Context, id string) (reviews.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reviews[id]
	if !ok {
		return reviews.Review{}, reviews.ErrNotFound
	}
	return r, nil
}

// Reviews implements reviews.Store.
func (s *Store) Reviews(_ context.Context, q reviews.Query) (reviews.Page, error) {
	s.mu.Lock()
	var all []reviews.Review
	for _, r := range s.reviews {
		if r.ProductID == q.ProductID {
			all = append(all, r)
		}
	}
	s.mu.Unlock()

	// Descending by (key, ID), like the MongoDB sort indexes.
	order := func(a, b reviews.Position) int {
		return cmp.Or(cmp.Compare(b.Key, a.Key), cmp.Compare(b.ID, a.ID))
	}
	pos := func(r reviews.Review) reviews.Position { return reviews.Position{Key: q.Sort.Key(r), ID: r.ID} }
	slices.SortFunc(all, func(a, b reviews.Review) int { return order(pos(a), pos(b)) })
	if q.After != nil {
		i := slices.IndexFunc(all, func(r reviews.Review) bool { return order(pos(r), *q.After) > 0 })
		if i < 0 {
			i = len(all)
		}
		all = all[i:]
	}
	var page reviews.Page
	if len(all) > q.Limit {
		all = all[:q.Limit]
		last := pos(all[len(all)-1])
		page.Next = &last
	}
	page.Reviews = all
	return page, nil
}

// UpdateReview implements reviews.Store.
func (s *Store) UpdateReview(_ context.Context, id string, update func(*reviews.Review) error) (reviews.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.reviews[id]
	if !ok {
		return reviews.Review{}, reviews.ErrNotFound
	}
	next := old
	if err := update(&next); err != nil {
		return reviews.Review{}, err
	}
	// Only the fields an edit may change are saved, as in the MongoDB store.
	saved := old
	saved.Rating, saved.Title, saved.Body = next.Rating, next.Title, next.Body
	saved.UpdatedAt, saved.Version = next.UpdatedAt, next.Version
	s.reviews[id] = saved
	if saved.Rating != old.Rating {
		s.count(old.ProductID, old.Rating, -1)
		s.count(old.ProductID, saved.Rating, +1)
	}
	return saved, nil
}

// DeleteReview implements reviews.Store.
func (s *Store) DeleteReview(_ context.Context, id string, check func(reviews.Review) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reviews[id]
	if !ok {
		return reviews.ErrNotFound
	}
	if err := check(r); err != nil {
		return err
	}
	delete(s.reviews, id)
	for v := range s.votes {
		if v.reviewID == id {
			delete(s.votes, v)
		}
	}
	s.count(r.ProductID, r.Rating, -1)
	return nil
}

// AddHelpfulVote implements reviews.Store.
func (s *Store) AddHelpfulVote(_ context.Context, reviewID, voterID string) (reviews.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reviews[reviewID]
	if !ok {
		return reviews.Review{}, reviews.ErrNotFound
	}
	v := vote{reviewID, voterID}
	if _, ok := s.votes[v]; ok {
		return reviews.Review{}, reviews.ErrDuplicateVote
	}
	s.votes[v] = struct{}{}
	r.HelpfulCount++
	s.reviews[reviewID] = r
	return r, nil
}

// Summary implements reviews.Store.
func (s *Store) Summary(_ context.Context, productID string) (reviews.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := s.summaries[productID]
	sum.ProductID = productID
	return sum, nil
}

// count adds delta reviews with rating to a product's summary. s.mu must be
// held.
func (s *Store) count(productID string, rating, delta int) {
	sum := s.summaries[productID]
	sum.Add(rating, delta)
	s.summaries[productID] = sum
}
