// Package memory is an in-memory orders.Store, and outbox.Store, with the
// semantics of the DynamoDB store, for handler tests and the contract
// suite.
package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/orders/internal/orders"
)

// Store is an orders.Store in memory. It is safe for concurrent use.
type Store struct {
	mu     sync.Mutex
	carts  map[string]orders.Cart
	orders map[string][]orders.Order // by customer, oldest first
	keys   map[claimKey]record

	products  map[string]orders.Product
	processed map[string]time.Time // event ID -> when its record expires
	outbox    map[string]event.Envelope
}

type claimKey struct{ customer, key string }

// record is an idempotency record.
type record struct {
	hash        string
	token       string // the holder of an in-progress claim
	completed   bool
	response    orders.Response
	lockedUntil time.Time
	expiresAt   time.Time
}

var (
	_ orders.Store = (*Store)(nil)
	_ outbox.Store = (*Store)(nil)
)

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{carts: map[string]orders.Cart{}, orders: map[string][]orders.Order{}, keys: map[claimKey]record{},
		products: map[string]orders.Product{}, processed: map[string]time.Time{}, outbox: map[string]event.Envelope{}}
}

func (s *Store) Cart(_ context.Context, customerID string) (orders.Cart, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cart(customerID), nil
}

func (s *Store) cart(customerID string) orders.Cart {
	c, ok := s.carts[customerID]
	if !ok {
		return orders.EmptyCart(customerID)
	}
	c.Lines = slices.Clone(c.Lines)
	return c
}

func (s *Store) UpdateCart(_ context.Context, customerID string, update func(*orders.Cart) error) (orders.Cart, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cart(customerID)
	version := c.Version
	if err := update(&c); err != nil {
		return orders.Cart{}, err
	}
	if err := optimistic.NextVersion(version, c.Version); err != nil {
		return orders.Cart{}, fmt.Errorf("cart of %s: %w", customerID, err)
	}
	c.CustomerID = customerID
	s.carts[customerID] = c
	return s.cart(customerID), nil
}

func (s *Store) ClaimKey(_ context.Context, c orders.Claim) (orders.Response, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := claimKey{c.CustomerID, c.Key}
	r, ok := s.keys[k]
	switch {
	case !ok, !r.expiresAt.After(c.Now),
		!r.completed && r.hash == c.RequestHash && !r.lockedUntil.After(c.Now):
		s.keys[k] = record{hash: c.RequestHash, token: c.Token, lockedUntil: c.LockedUntil(), expiresAt: c.ExpiresAt()}
		return orders.Response{}, false, nil
	case r.hash != c.RequestHash:
		return orders.Response{}, false, orders.ErrKeyReused
	case !r.completed:
		return orders.Response{}, false, orders.KeyInProgress(r.lockedUntil, c.Now)
	}
	return orders.Response{Status: r.response.Status, Body: bytes.Clone(r.response.Body)}, true, nil
}

func (s *Store) ReleaseKey(_ context.Context, c orders.Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := claimKey{c.CustomerID, c.Key}
	if r, ok := s.keys[k]; ok && !r.completed && r.token == c.Token {
		delete(s.keys, k)
	}
	return nil
}

func (s *Store) PlaceOrder(_ context.Context, p orders.Placement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := p.Order
	if s.cart(o.CustomerID).Version != p.CartVersion {
		return orders.ErrConflict
	}
	k := claimKey{p.Claim.CustomerID, p.Claim.Key}
	r, ok := s.keys[k]
	if !ok || r.completed || r.token != p.Claim.Token {
		return orders.ErrClaimLost
	}
	if _, err := s.order(o.CustomerID, o.ID); err == nil {
		return orders.ErrConflict
	}
	for _, e := range p.Events {
		if _, ok := s.outbox[e.ID]; ok {
			return orders.ErrConflict
		}
	}
	r.completed, r.token, r.lockedUntil = true, "", time.Time{}
	r.response = orders.Response{Status: p.Response.Status, Body: bytes.Clone(p.Response.Body)}
	s.keys[k] = r
	o.Lines = slices.Clone(o.Lines)
	s.orders[o.CustomerID] = append(s.orders[o.CustomerID], o)
	slices.SortFunc(s.orders[o.CustomerID], func(a, b orders.Order) int { return cmp.Compare(a.ID, b.ID) })
	s.carts[o.CustomerID] = orders.Cart{CustomerID: o.CustomerID, Version: p.CartVersion + 1, UpdatedAt: o.PlacedAt}
	s.addEvents(p.Events)
	return nil
}

func (s *Store) addEvents(events []event.Envelope) {
	for _, e := range events {
		s.outbox[e.ID] = e
	}
}

func (s *Store) Order(_ context.Context, customerID, id string) (orders.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order(customerID, id)
}

func (s *Store) order(customerID, id string) (orders.Order, error) {
	list := s.orders[customerID]
	i, ok := slices.BinarySearchFunc(list, id, func(o orders.Order, id string) int { return cmp.Compare(o.ID, id) })
	if !ok {
		return orders.Order{}, orders.ErrNotFound
	}
	o := list[i]
	o.Lines = slices.Clone(o.Lines)
	return o, nil
}

func (s *Store) Orders(_ context.Context, q orders.Query) (orders.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var page orders.Page
	list := s.orders[q.CustomerID]
	for i := len(list) - 1; i >= 0; i-- {
		o := list[i]
		if q.After != "" && o.ID >= q.After {
			continue
		}
		if len(page.Orders) == q.Limit {
			page.Next = page.Orders[len(page.Orders)-1].ID
			break
		}
		page.Orders = append(page.Orders, o.Summary())
	}
	return page, nil
}

func (s *Store) UpdateOrder(_ context.Context, u orders.OrderUpdate) (orders.Order, []event.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.order(u.CustomerID, u.ID)
	if err != nil {
		return orders.Order{}, nil, err
	}
	version := o.Version
	events, err := u.Update(&o)
	if err != nil {
		return orders.Order{}, nil, err
	}
	if u.Event != nil && s.seen(u.Event.EventID, u.Event.At) {
		return orders.Order{}, nil, orders.ErrAlreadyProcessed
	}
	if o.Version != version {
		if err := optimistic.NextVersion(version, o.Version); err != nil {
			return orders.Order{}, nil, fmt.Errorf("order %s: %w", u.ID, err)
		}
		list := s.orders[u.CustomerID]
		i, _ := slices.BinarySearchFunc(list, u.ID, func(o orders.Order, id string) int { return cmp.Compare(o.ID, id) })
		list[i].Status, list[i].UpdatedAt, list[i].Version = o.Status, o.UpdatedAt, o.Version
		if !o.Cancellation.IsZero() {
			list[i].Cancellation = o.Cancellation
		}
	} else if len(events) > 0 {
		return orders.Order{}, nil, fmt.Errorf("order %s: events without a change", u.ID)
	}
	s.addEvents(events)
	if u.Event != nil {
		s.processed[u.Event.EventID] = u.Event.ExpiresAt()
	}
	o, err = s.order(u.CustomerID, u.ID)
	return o, slices.Clone(events), err
}

// seen reports whether the event with the given ID was processed and its
// record has not expired at now.
func (s *Store) seen(id string, now time.Time) bool {
	expires, ok := s.processed[id]
	return ok && expires.After(now)
}

func (s *Store) Products(_ context.Context, ids []string) (map[string]orders.Product, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]orders.Product, len(ids))
	for _, id := range ids {
		if p, ok := s.products[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

func (s *Store) SaveProduct(_ context.Context, e orders.Processed, p orders.Product) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.products[p.ID]; (ok && old.Version >= p.Version) || s.seen(e.EventID, e.At) {
		return false, nil
	}
	s.products[p.ID] = p
	s.processed[e.EventID] = e.ExpiresAt()
	return true, nil
}

// Pending returns the outbox's events made before before, oldest first
// (by ID: event IDs are UUIDv7s, which sort by the time they were made).
func (s *Store) Pending(_ context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []event.Envelope
	for _, e := range s.outbox {
		if e.Time.Before(before) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b event.Envelope) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), limit)], nil
}

func (s *Store) Remove(_ context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.outbox, id)
	}
	return nil
}
