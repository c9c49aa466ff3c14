// Package memory implements accounts.Store in memory, for tests and for
// running the accounts context without a database. It keeps the semantics
// of the MySQL store (package mysql), checked by the same contract suite
// (package accountstest).
package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"example.com/quartet/packages/optimistic"
	"example.com/quartet/services/accounts/internal/accounts"
)

var _ accounts.Store = (*Store)(nil)

// Store is an accounts.Store held in memory. It is safe for concurrent use.
// Values passed in and returned are copies: changing them never changes
// the store.
type Store struct {
	mu        sync.Mutex
	customers map[string]accounts.Customer  // by ID
	emails    map[string]string             // customer ID by EmailKey
	addresses map[string][]accounts.Address // by customer ID, oldest first
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		customers: make(map[string]accounts.Customer),
		emails:    make(map[string]string),
		addresses: make(map[string][]accounts.Address),
	}
}

// CreateCustomer implements accounts.Store.
func (s *Store) CreateCustomer(ctx context.Context, c accounts.Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.customers[c.ID]; taken {
		return fmt.Errorf("memory: account ID %s is taken", c.ID)
	}
	key := accounts.EmailKey(c.Email)
	if _, taken := s.emails[key]; taken {
		return accounts.ErrDuplicateEmail
	}
	s.customers[c.ID] = stored(c)
	s.emails[key] = c.ID
	return nil
}

// Customer implements accounts.Store.
func (s *Store) Customer(ctx context.Context, id string) (accounts.Customer, error) {
	if err := ctx.Err(); err != nil {
		return accounts.Customer{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return accounts.Customer{}, accounts.ErrNotFound
	}
	return clone(c), nil
}

// CustomerByEmail implements accounts.Store.
func (s *Store) CustomerByEmail(ctx context.Context, email string) (accounts.Customer, error) {
	if err := ctx.Err(); err != nil {
		return accounts.Customer{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.emails[accounts.EmailKey(email)]
	if !ok {
		return accounts.Customer{}, accounts.ErrNotFound
	}
	return clone(s.customers[id]), nil
}

// UpdateCustomer implements accounts.Store. Updates of one store are
// serialized, so it never returns ErrConflict.
func (s *Store) UpdateCustomer(ctx context.Context, id string, update func(*accounts.Customer) error) (accounts.Customer, error) {
	if err := ctx.Err(); err != nil {
		return accounts.Customer{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.customers[id]
	if !ok {
		return accounts.Customer{}, accounts.ErrNotFound
	}
	next := clone(old)
	if err := update(&next); err != nil {
		return accounts.Customer{}, err
	}
	if err := optimistic.NextVersion(old.Version, next.Version); err != nil {
		return accounts.Customer{}, fmt.Errorf("update account %s: %w", id, err)
	}
	next.ID, next.CreatedAt, next.Throttle = old.ID, old.CreatedAt, old.Throttle
	oldKey, newKey := accounts.EmailKey(old.Email), accounts.EmailKey(next.Email)
	if owner, taken := s.emails[newKey]; taken && owner != id {
		return accounts.Customer{}, accounts.ErrDuplicateEmail
	}
	delete(s.emails, oldKey)
	s.emails[newKey] = id
	s.customers[id] = stored(next)
	return clone(s.customers[id]), nil
}

// UpdateThrottle implements accounts.Store.
func (s *Store) UpdateThrottle(ctx context.Context, id string, update func(*accounts.Throttle) error) (accounts.Throttle, error) {
	if err := ctx.Err(); err != nil {
		return accounts.Throttle{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return accounts.Throttle{}, accounts.ErrNotFound
	}
	t := c.Throttle
	if err := update(&t); err != nil {
		return accounts.Throttle{}, err
	}
	t.LockedUntil = storedTime(t.LockedUntil)
	c.Throttle = t
	s.customers[id] = c
	return t, nil
}

// Addresses implements accounts.Store.
func (s *Store) Addresses(ctx context.Context, customerID string) ([]accounts.Address, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]accounts.Address, len(s.addresses[customerID]))
	for i, a := range s.addresses[customerID] {
		list[i] = cloneAddress(a)
	}
	return list, nil
}

// AddAddress implements accounts.Store.
func (s *Store) AddAddress(ctx context.Context, customerID string, a accounts.Address) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[customerID]; !ok {
		return accounts.ErrNotFound
	}
	list := s.addresses[customerID]
	if len(list) >= accounts.MaxAddresses {
		return accounts.ErrTooManyAddresses
	}
	a = storedAddress(a)
	i, _ := slices.BinarySearchFunc(list, a.ID, func(x accounts.Address, id string) int { return strings.Compare(x.ID, id) })
	s.addresses[customerID] = slices.Insert(list, i, a)
	return nil
}

// UpdateAddress implements accounts.Store.
func (s *Store) UpdateAddress(ctx context.Context, customerID, id string, update func(*accounts.Address) error) (accounts.Address, error) {
	if err := ctx.Err(); err != nil {
		return accounts.Address{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.addresses[customerID]
	i := slices.IndexFunc(list, func(a accounts.Address) bool { return a.ID == id })
	if i < 0 {
		return accounts.Address{}, accounts.ErrAddressNotFound
	}
	next := cloneAddress(list[i])
	if err := update(&next); err != nil {
		return accounts.Address{}, err
	}
	next.ID, next.CreatedAt = list[i].ID, list[i].CreatedAt
	list[i] = storedAddress(next)
	return cloneAddress(list[i]), nil
}

// DeleteAddress implements accounts.Store.
func (s *Store) DeleteAddress(ctx context.Context, customerID, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.addresses[customerID]
	i := slices.IndexFunc(list, func(a accounts.Address) bool { return a.ID == id })
	if i < 0 {
		return accounts.ErrAddressNotFound
	}
	s.addresses[customerID] = slices.Delete(list, i, i+1)
	return nil
}

// stored returns c as the MySQL store would return it after saving it:
// times in UTC to the microsecond, and owned slices.
func stored(c accounts.Customer) accounts.Customer {
	c = clone(c)
	c.CreatedAt, c.UpdatedAt = storedTime(c.CreatedAt), storedTime(c.UpdatedAt)
	c.Throttle.LockedUntil = storedTime(c.Throttle.LockedUntil)
	return c
}

func storedAddress(a accounts.Address) accounts.Address {
	a = cloneAddress(a)
	a.CreatedAt, a.UpdatedAt = storedTime(a.CreatedAt), storedTime(a.UpdatedAt)
	return a
}

func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func clone(c accounts.Customer) accounts.Customer {
	c.Roles = slices.Clone(c.Roles)
	return c
}

func cloneAddress(a accounts.Address) accounts.Address {
	a.Lines = slices.Clone(a.Lines)
	return a
}
