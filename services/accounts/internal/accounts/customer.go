// Package accounts is the accounts context's domain: customers, their
// credentials and roles, their addresses, and the rules for signing in. It
// declares the Store it needs; adapters in sibling packages implement it for
// MySQL (PlanetScale, MariaDB, go-mysql-server) and memory.
package accounts

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/quartet/packages/validation"
)

// Errors returned by the accounts domain. Adapters translate driver errors
// into them.
var (
	ErrNotFound         = errors.New("account not found")
	ErrDuplicateEmail   = errors.New("an account with this email already exists")
	ErrVersionMismatch  = errors.New("the account was changed since it was read")
	ErrConflict         = errors.New("the account is being changed by another request; try again")
	ErrInvalid          = validation.ErrInvalid
	ErrBadCredentials   = errors.New("the email or password is not correct")
	ErrThrottled        = errors.New("too many failed sign-ins; try again later")
	ErrAddressNotFound  = errors.New("address not found")
	ErrTooManyAddresses = fmt.Errorf("an account can have at most %d addresses", MaxAddresses)
)

// Limits enforced by the validating constructors.
const (
	MaxEmailLen       = 254 // RFC 5321 path limit
	MaxDisplayNameLen = 100
)

// Role is what an account may do. Tokens carry the roles of their account.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is a role the system knows.
func (r Role) Valid() bool { return r == RoleCustomer || r == RoleAdmin }

// Customer is an account: a person who signs in to the storefront, or an
// administrator.
type Customer struct {
	ID           string // UUIDv7
	Email        string // as the customer wrote it; unique ignoring case (see EmailKey)
	DisplayName  string
	PasswordHash string // PHC-format argon2id hash, see package password
	Roles        []Role // sorted, without duplicates, never empty
	Version      int    // starts at 1, incremented by every change of the fields above
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Throttle     Throttle // failed sign-ins; changing it does not change Version
}

// HasRole reports whether c has role r.
func (c Customer) HasRole(r Role) bool { return slices.Contains(c.Roles, r) }

// EmailKey returns the form of email that uniqueness and look-ups use: the
// address without surrounding space, in lower case. Stores keep it in a
// column of its own with a unique index, so "Ann@Example.com" and
// "ann@example.com" are one account.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// FieldError names one invalid field and why.
type FieldError = validation.FieldError

// ValidationError lists every invalid field. It matches ErrInvalid.
type ValidationError = validation.Error

// NewCustomer holds what is needed to open an account. Password is the
// plain-text password; it is hashed by the Service and never stored.
type NewCustomer struct {
	Email       string
	DisplayName string
	Password    string
}

// create validates n's profile fields and returns a customer at
// version 1 with the given hash and roles.
func (n NewCustomer) create(id, passwordHash string, roles []Role, now time.Time) (Customer, error) {
	c := Customer{
		ID: id, Email: strings.TrimSpace(n.Email), DisplayName: strings.TrimSpace(n.DisplayName),
		PasswordHash: passwordHash, Roles: normalizeRoles(roles), Version: 1,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := c.validate(); err != nil {
		return Customer{}, err
	}
	return c, nil
}

// Profile holds the fields a customer changes; nil fields stay as they are.
type Profile struct {
	Email       *string
	DisplayName *string
}

// Apply changes c and validates the result. The store increments the
// version when it saves it.
func (p Profile) Apply(c *Customer, now time.Time) error {
	next := *c
	if p.Email != nil {
		next.Email = strings.TrimSpace(*p.Email)
	}
	if p.DisplayName != nil {
		next.DisplayName = strings.TrimSpace(*p.DisplayName)
	}
	if err := next.validate(); err != nil {
		return err
	}
	next.UpdatedAt = now
	next.Version++
	*c = next
	return nil
}

func (c *Customer) validate() error {
	var ck validation.Errors
	ck.Check(validEmail(c.Email), "email", fmt.Sprintf("must be an email address of at most %d characters", MaxEmailLen))
	ck.Check(c.DisplayName != "" && utf8.RuneCountInString(c.DisplayName) <= MaxDisplayNameLen && printable(c.DisplayName),
		"displayName", fmt.Sprintf("must be 1 to %d printable characters", MaxDisplayNameLen))
	return ck.Err()
}

// validEmail accepts a bare address such as ann@example.com: no display
// name, no comments, a domain with a dot.
func validEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLen {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

// printable reports whether s holds no control characters.
func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == utf8.RuneError })
}

// normalizeRoles sorts roles and removes duplicates; no roles means
// RoleCustomer.
func normalizeRoles(roles []Role) []Role {
	if len(roles) == 0 {
		return []Role{RoleCustomer}
	}
	out := slices.Clone(roles)
	slices.Sort(out)
	return slices.Compact(out)
}
