package memory

import (
	"context"
	"slices"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/catalog/internal/catalog"
)

// Pending implements outbox.Store.
func (s *Store) Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []event.Envelope
	for _, e := range s.outbox {
		if e.Time.Before(before) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b event.Envelope) int { return a.Time.Compare(b.Time) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Remove implements outbox.Store.
func (s *Store) Remove(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = slices.DeleteFunc(s.outbox, func(e event.Envelope) bool { return slices.Contains(ids, e.ID) })
	return nil
}

// claim records eventID as processed and reports whether it was new.
// s.mu must be held.
func (s *Store) claim(eventID string) bool {
	if _, done := s.processed[eventID]; done {
		return false
	}
	s.processed[eventID] = s.now()
	return true
}

// ReserveStock implements catalog.Store.
func (s *Store) ReserveStock(ctx context.Context, eventID string, o catalog.Order, announce func(catalog.StockDecision) (event.Envelope, error)) ([]event.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, done := s.processed[eventID]; done {
		return nil, nil
	}
	if _, decided := s.reservations[o.ID]; decided {
		s.claim(eventID)
		return nil, nil
	}
	var failed []catalog.ProductStock
	for _, l := range o.Lines {
		p, ok := s.products[l.ProductID]
		if !ok || p.Status != catalog.StatusActive || p.Stock < l.Quantity {
			failed = append(failed, catalog.ProductStock{ProductID: l.ProductID, Found: ok, Status: p.Status, Stock: p.Stock})
		}
	}
	decision := catalog.StockDecision{Reserved: true}
	if len(failed) > 0 {
		decision = catalog.Rejection(failed)
	}
	e, err := announce(decision)
	if err != nil {
		return nil, err
	}
	r := reservation{status: catalog.ReservationRejected}
	if decision.Reserved {
		r = reservation{status: catalog.ReservationReserved, lines: slices.Clone(o.Lines)}
		for _, l := range o.Lines {
			s.adjust(l.ProductID, -l.Quantity)
		}
	}
	s.claim(eventID)
	s.reservations[o.ID] = r
	s.outbox = append(s.outbox, e)
	return []event.Envelope{e}, nil
}

// adjust changes the stock of a product by delta, as a change of the
// product (new version). s.mu must be held.
func (s *Store) adjust(productID string, delta int) {
	p := s.products[productID]
	p.Stock += delta
	p.Version++
	p.UpdatedAt = storedTime(s.now())
	s.products[productID] = p
}

// ReleaseStock implements catalog.Store.
func (s *Store) ReleaseStock(ctx context.Context, eventID, orderID string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.claim(eventID) {
		return false, nil
	}
	r, ok := s.reservations[orderID]
	switch {
	case !ok:
		s.reservations[orderID] = reservation{status: catalog.ReservationReleased}
		return false, nil
	case r.status != catalog.ReservationReserved:
		return false, nil
	}
	for _, l := range r.lines {
		if _, ok := s.products[l.ProductID]; ok {
			s.adjust(l.ProductID, l.Quantity)
		}
	}
	s.reservations[orderID] = reservation{status: catalog.ReservationReleased, lines: r.lines}
	return true, nil
}

// RecordRating implements catalog.Store.
func (s *Store) RecordRating(ctx context.Context, eventID, productID string, d catalog.RatingDelta) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.claim(eventID) {
		return false, nil
	}
	r := s.ratings[productID]
	r.Count += d.Count
	r.Total += d.Total
	s.ratings[productID] = r
	return true, nil
}

// ForgetProcessed implements catalog.Store.
func (s *Store) ForgetProcessed(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, at := range s.processed {
		if at.Before(before) {
			delete(s.processed, id)
			n++
		}
	}
	return n, nil
}
