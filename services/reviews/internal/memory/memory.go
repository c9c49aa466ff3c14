// Package memory is an in-memory reviews.Store with the semantics of the
// MongoDB adapter, for fast tests and for running the context without a
// database.
package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/reviews/internal/reviews"
)

// Store keeps reviews, votes, summaries, the projections and the outbox in
// maps guarded by one mutex, so every method is atomic: a change and its
// events are stored together.
type Store struct {
	mu        sync.Mutex
	reviews   map[string]reviews.Review
	votes     map[vote]struct{}
	summaries map[string]reviews.Summary
	products  map[string]reviews.Product
	purchases map[purchaseKey]*purchases
	outbox    []event.Envelope // in the order written
}

type vote struct{ reviewID, voterID string }

type purchaseKey struct{ customerID, productID string }

// purchases is reviews.Purchases with the ids of the events recorded.
type purchases struct {
	reviews.Purchases
	events []string
}

var _ reviews.Store = (*Store)(nil)

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		reviews:   make(map[string]reviews.Review),
		votes:     make(map[vote]struct{}),
		summaries: make(map[string]reviews.Summary),
		products:  make(map[string]reviews.Product),
		purchases: make(map[purchaseKey]*purchases),
	}
}

// CreateReview implements reviews.Store.
func (s *Store) CreateReview(_ context.Context, r reviews.Review, events []event.Envelope) (reviews.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.reviews {
		if other.ProductID == r.ProductID && other.Author.Subject == r.Author.Subject {
			return reviews.Review{}, reviews.ErrDuplicateReview
		}
	}
	if p := s.purchases[purchaseKey{r.Author.Subject, r.ProductID}]; p != nil {
		r.VerifiedPurchase = p.Verified()
	}
	s.reviews[r.ID] = r
	s.outbox = append(s.outbox, events...)
	s.count(r.ProductID, r.Rating, +1)
	return r, nil
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
func (s *Store) UpdateReview(_ context.Context, id string, update func(*reviews.Review) ([]event.Envelope, error)) (reviews.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.reviews[id]
	if !ok {
		return reviews.Review{}, reviews.ErrNotFound
	}
	next := old
	events, err := update(&next)
	if err != nil {
		return reviews.Review{}, err
	}
	// Only the fields an edit may change are saved, as in the MongoDB store.
	saved := old
	saved.Rating, saved.Title, saved.Body = next.Rating, next.Title, next.Body
	saved.UpdatedAt, saved.Version = next.UpdatedAt, next.Version
	s.reviews[id] = saved
	s.outbox = append(s.outbox, events...)
	if saved.Rating != old.Rating {
		s.count(old.ProductID, old.Rating, -1)
		s.count(old.ProductID, saved.Rating, +1)
	}
	return saved, nil
}

// DeleteReview implements reviews.Store.
func (s *Store) DeleteReview(_ context.Context, id string, check func(reviews.Review) ([]event.Envelope, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reviews[id]
	if !ok {
		return reviews.ErrNotFound
	}
	events, err := check(r)
	if err != nil {
		return err
	}
	delete(s.reviews, id)
	for v := range s.votes {
		if v.reviewID == id {
			delete(s.votes, v)
		}
	}
	s.outbox = append(s.outbox, events...)
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

// Product implements reviews.Store.
func (s *Store) Product(_ context.Context, id string) (reviews.Product, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.products[id]
	if !ok {
		return reviews.Product{}, reviews.ErrProductNotFound
	}
	return p, nil
}

// SaveProduct implements reviews.Store.
func (s *Store) SaveProduct(_ context.Context, p reviews.Product, _ string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.products[p.ID]; ok && old.Version >= p.Version {
		return false, nil
	}
	s.products[p.ID] = p
	return true, nil
}

// RecordOrder implements reviews.Store.
func (s *Store) RecordOrder(_ context.Context, o reviews.OrderEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, productID := range o.ProductIDs {
		k := purchaseKey{o.CustomerID, productID}
		p := s.purchases[k]
		if p == nil {
			p = &purchases{}
			s.purchases[k] = p
		}
		if slices.Contains(p.events, o.EventID) {
			continue
		}
		p.events = append(p.events, o.EventID)
		set := &p.Confirmed
		if o.Cancelled {
			set = &p.Cancelled
		}
		if !slices.Contains(*set, o.OrderID) {
			*set = append(*set, o.OrderID)
		}
		for id, r := range s.reviews {
			if r.ProductID == productID && r.Author.Subject == o.CustomerID {
				r.VerifiedPurchase = p.Verified()
				s.reviews[id] = r
			}
		}
	}
	return nil
}

// Pending implements outbox.Store.
func (s *Store) Pending(_ context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []event.Envelope
	for _, e := range s.outbox {
		if e.Time.Before(before) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b event.Envelope) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Remove implements outbox.Store.
func (s *Store) Remove(_ context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = slices.DeleteFunc(s.outbox, func(e event.Envelope) bool { return slices.Contains(ids, e.ID) })
	return nil
}
