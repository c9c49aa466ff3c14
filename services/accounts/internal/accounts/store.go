package accounts

import "context"

// Store keeps accounts and their addresses. Account and address IDs are
// UUIDv7, so ordering by ID is ordering by creation.
type Store interface {
	// CreateCustomer stores a new account. It returns ErrDuplicateEmail when
	// an account with the same EmailKey exists.
	CreateCustomer(ctx context.Context, c Customer) error

	// Customer returns the account with the given ID, or ErrNotFound.
	Customer(ctx context.Context, id string) (Customer, error)

	// CustomerByEmail returns the account whose EmailKey equals
	// EmailKey(email), or ErrNotFound.
	CustomerByEmail(ctx context.Context, email string) (Customer, error)

	// UpdateCustomer reads the account, calls update on it and saves the
	// result, atomically: update raises Version by one (packages/optimistic),
	// and a change made by someone else between read and save makes the
	// store read again and call update again, up to optimistic.Attempts
	// times, and then return ErrConflict. update's error is returned as is and nothing is saved.
	// The throttle is neither saved nor compared. It returns ErrNotFound
	// when the account does not exist and ErrDuplicateEmail when the new
	// email belongs to another account.
	UpdateCustomer(ctx context.Context, id string, update func(*Customer) error) (Customer, error)

	// UpdateThrottle reads the account's throttle, calls update on it and
	// saves the result, serialized with every other UpdateThrottle of the
	// same account so that no failure is lost. It does not change the
	// account's version. It returns ErrNotFound when the account does not
	// exist; update's error is returned as is and nothing is saved.
	UpdateThrottle(ctx context.Context, id string, update func(*Throttle) error) (Throttle, error)

	// Addresses returns the account's addresses, oldest first. An unknown
	// account has none.
	Addresses(ctx context.Context, customerID string) ([]Address, error)

	// AddAddress stores a new address of the account. It returns ErrNotFound
	// when the account does not exist and ErrTooManyAddresses when it has
	// MaxAddresses already, however many additions run at once.
	AddAddress(ctx context.Context, customerID string, a Address) error

	// UpdateAddress reads one of the account's addresses, calls update on it
	// and saves the result atomically. update's error is returned as is and
	// nothing is saved. It returns ErrAddressNotFound when the account has
	// no address with that ID.
	UpdateAddress(ctx context.Context, customerID, id string, update func(*Address) error) (Address, error)

	// DeleteAddress removes one of the account's addresses. It returns
	// ErrAddressNotFound when the account has no address with that ID.
	DeleteAddress(ctx context.Context, customerID, id string) error
}
