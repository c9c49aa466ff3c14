package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/validation"
	"example.com/quartet/services/accounts/internal/password"
)

// Hasher turns passwords into stored hashes and checks them. The production
// one is password.Hasher (argon2id); tests may use cheaper parameters.
type Hasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded, in time that does
	// not depend on where they differ.
	Verify(encoded, password string) (bool, error)
}

// Service carries out the accounts use cases on a Store.
type Service struct {
	store  Store
	hasher Hasher
	now    func() time.Time
	// dummyHash is verified against when the email is unknown, so that an
	// unknown email costs the same hashing as a wrong password.
	dummyHash func() (string, error)
}

// NewService returns a Service on store that hashes passwords with hasher.
func NewService(store Store, hasher Hasher) *Service {
	return &Service{
		store:     store,
		hasher:    hasher,
		now:       func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		dummyHash: sync.OnceValues(func() (string, error) { return hasher.Hash("not a password anyone has: dummy") }),
	}
}

// SignUp opens a customer account. It returns a *ValidationError for an
// invalid email, display name or password and ErrDuplicateEmail when the
// email (ignoring case) is taken.
func (s *Service) SignUp(ctx context.Context, n NewCustomer) (Customer, error) {
	return s.CreateAccount(ctx, n, RoleCustomer)
}

// CreateAccount opens an account with the given roles; it is SignUp for
// operators.
func (s *Service) CreateAccount(ctx context.Context, n NewCustomer, roles ...Role) (Customer, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Customer{}, fmt.Errorf("new account id: %w", err)
	}
	return s.createAccount(ctx, id, n, roles)
}

// CreateAccountWithID is CreateAccount with an id chosen by the caller: the
// seed gives the demo accounts the same ids on every machine and after
// every restart. It returns ErrDuplicateEmail when the email is taken.
func (s *Service) CreateAccountWithID(ctx context.Context, id uuid.UUID, n NewCustomer, roles ...Role) (Customer, error) {
	return s.createAccount(ctx, id, n, roles)
}

func (s *Service) createAccount(ctx context.Context, id uuid.UUID, n NewCustomer, roles []Role) (Customer, error) {
	var ck validation.Errors
	if err := password.Check(n.Password); err != nil {
		ck.Check(false, "password", err.Error())
	}
	for _, r := range roles {
		if !r.Valid() {
			return Customer{}, fmt.Errorf("accounts: unknown role %q", r)
		}
	}
	c, err := n.create(id.String(), "", roles, s.now())
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ck = append(ve.Fields, ck...)
		}
		return Customer{}, ck.Err()
	}
	if err := ck.Err(); err != nil {
		return Customer{}, err
	}
	if c.PasswordHash, err = s.hasher.Hash(n.Password); err != nil {
		return Customer{}, err
	}
	if err := s.store.CreateCustomer(ctx, c); err != nil {
		return Customer{}, err
	}
	return c, nil
}

// SignIn checks an email and password and returns the account. Unknown
// email and wrong password both return ErrBadCredentials after the same
// amount of hashing. From the MaxFailures-th failure in a row the account
// is locked for a while, and sign-in returns a *ThrottledError (matching
// ErrThrottled) without checking the password until the lock ends; the
// lock is checked again after a correct password, so a sign-in that
// concurrent failures locked out while it was verified is refused too.
func (s *Service) SignIn(ctx context.Context, email, pw string) (Customer, error) {
	c, err := s.store.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		if dummy, err := s.dummyHash(); err == nil {
			_, _ = s.hasher.Verify(dummy, pw)
		}
		return Customer{}, ErrBadCredentials
	}
	if err != nil {
		return Customer{}, err
	}
	now := s.now()
	if wait, locked := c.Throttle.Locked(now); locked {
		return Customer{}, &ThrottledError{Wait: wait}
	}
	ok, err := s.hasher.Verify(c.PasswordHash, pw)
	if err != nil {
		return Customer{}, fmt.Errorf("account %s: %w", c.ID, err)
	}
	if !ok {
		if _, err := s.store.UpdateThrottle(ctx, c.ID, func(t *Throttle) error {
			t.Fail(now)
			return nil
		}); err != nil {
			return Customer{}, err
		}
		return Customer{}, ErrBadCredentials
	}
	// The throttle read above may be stale by a whole verification: the
	// failures of concurrent guesses may have locked the account since.
	// Read it again, so that a burst of guesses cannot outrun the lock.
	now = s.now()
	fresh, err := s.store.Customer(ctx, c.ID)
	if err != nil {
		return Customer{}, err
	}
	if wait, locked := fresh.Throttle.Locked(now); locked {
		return Customer{}, &ThrottledError{Wait: wait}
	}
	if fresh.Throttle.Failures > 0 {
		t, err := s.store.UpdateThrottle(ctx, c.ID, func(t *Throttle) error {
			if wait, locked := t.Locked(now); locked {
				// Locked by concurrent failures since we read it.
				return &ThrottledError{Wait: wait}
			}
			t.Reset()
			return nil
		})
		if err != nil {
			return Customer{}, err
		}
		fresh.Throttle = t
	}
	return fresh, nil
}

// Customer returns the account with the given ID.
func (s *Service) Customer(ctx context.Context, id string) (Customer, error) {
	if !validID(id) {
		return Customer{}, ErrNotFound
	}
	return s.store.Customer(ctx, id)
}

// UpdateProfile applies p when match accepts the account's current version
// (the request's If-Match); it returns ErrVersionMismatch when it does not,
// and ErrDuplicateEmail when the new email belongs to another account.
func (s *Service) UpdateProfile(ctx context.Context, id string, match func(version int) bool, p Profile) (Customer, error) {
	if !validID(id) {
		return Customer{}, ErrNotFound
	}
	return s.store.UpdateCustomer(ctx, id, func(c *Customer) error {
		if !match(c.Version) {
			return ErrVersionMismatch
		}
		return p.Apply(c, s.now())
	})
}

// Addresses returns the account's addresses, oldest first.
func (s *Service) Addresses(ctx context.Context, customerID string) ([]Address, error) {
	if !validID(customerID) {
		return nil, ErrNotFound
	}
	return s.store.Addresses(ctx, customerID)
}

// AddAddress validates in and adds it to the account. It returns
// ErrTooManyAddresses when the account has MaxAddresses already.
func (s *Service) AddAddress(ctx context.Context, customerID string, in AddressInput) (Address, error) {
	if !validID(customerID) {
		return Address{}, ErrNotFound
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Address{}, fmt.Errorf("new address id: %w", err)
	}
	a, err := in.create(id.String(), s.now())
	if err != nil {
		return Address{}, err
	}
	if err := s.store.AddAddress(ctx, customerID, a); err != nil {
		return Address{}, err
	}
	return a, nil
}

// ReplaceAddress replaces the fields of one of the account's addresses.
func (s *Service) ReplaceAddress(ctx context.Context, customerID, id string, in AddressInput) (Address, error) {
	if !validID(customerID) || !validID(id) {
		return Address{}, ErrAddressNotFound
	}
	return s.store.UpdateAddress(ctx, customerID, id, func(a *Address) error { return in.Apply(a, s.now()) })
}

// DeleteAddress removes one of the account's addresses.
func (s *Service) DeleteAddress(ctx context.Context, customerID, id string) error {
	if !validID(customerID) || !validID(id) {
		return ErrAddressNotFound
	}
	return s.store.DeleteAddress(ctx, customerID, id)
}

// validID reports whether id can be an account or address ID. Checking it
// before the store answers malformed IDs with "not found" instead of a
// driver error.
func validID(id string) bool {
	return validation.UUID(id)
}
