// Package orders is the orders context's domain: a customer's cart, the
// orders placed from it and the saga that confirms or cancels them, the
// idempotency records that make placing an order safe to retry, and the
// projection of catalog's products (names, prices, status) that carts and
// placement price from. It declares the Store it needs, implemented for
// DynamoDB and memory in sibling packages; the events it produces and
// consumes are in events.go.
package orders

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/quartet/packages/validation"
)

// Errors returned by the domain. Adapters translate driver errors into them.
var (
	ErrNotFound           = errors.New("order not found")
	ErrInvalid            = validation.ErrInvalid
	ErrUnknownProduct     = errors.New("the catalog has no such product")
	ErrProductUnavailable = errors.New("the product is no longer sold")
	ErrCurrencyMismatch   = errors.New("every item of a cart must be priced in the same currency")
	ErrCartFull           = errors.New("the cart holds the most items it can")
	ErrEmptyCart          = errors.New("the cart is empty")
	ErrNotCancellable     = errors.New("the order is already cancelled")
	ErrNotPending         = errors.New("the order is no longer pending")
	ErrConflict           = errors.New("the data changed concurrently; try again")
	// ErrAlreadyProcessed is returned by a store asked to record the effect
	// of an event it recorded before: the duplicate changes nothing.
	ErrAlreadyProcessed = errors.New("the event was already processed")
)

// Limits of a cart.
const (
	MaxQuantity  = 99
	MaxCartLines = 50
	// CartLifetime is how long a cart nobody touches is kept. The store
	// also lets the database expire it (DynamoDB TTL), but TTL deletion is
	// lazy, so the domain treats an older cart as empty itself.
	CartLifetime = 30 * 24 * time.Hour
)

// Money is an amount in the minor unit of an ISO 4217 currency (cents for USD).
type Money struct {
	Amount   int64
	Currency string
}

// FieldError names one invalid field and why.
type FieldError = validation.FieldError

// ValidationError lists every invalid field. It matches ErrInvalid.
type ValidationError = validation.Error

// ValidProductID reports whether id can name a catalog product: 1 to 64
// letters, digits, '-' or '_'. Checking it early keeps odd strings out of
// keys and URLs.
func ValidProductID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Address is a shipping address as the customer gave it for one order.
type Address struct {
	Name       string
	Line1      string
	Line2      string
	City       string
	PostalCode string
	Country    string // ISO 3166-1 alpha-2, upper case
}

// ParseAddress trims and validates a. Every field but Line2 is required.
func ParseAddress(a Address) (Address, error) {
	a = Address{
		Name: strings.TrimSpace(a.Name), Line1: strings.TrimSpace(a.Line1), Line2: strings.TrimSpace(a.Line2),
		City: strings.TrimSpace(a.City), PostalCode: strings.TrimSpace(a.PostalCode),
		Country: strings.ToUpper(strings.TrimSpace(a.Country)),
	}
	var errs validation.Errors
	check := func(field, v string, required bool, max int) {
		errs.Check(!required || v != "", "shippingAddress."+field, "is required")
		errs.Check(utf8.RuneCountInString(v) <= max, "shippingAddress."+field, fmt.Sprintf("must be at most %d characters", max))
	}
	check("name", a.Name, true, 200)
	check("line1", a.Line1, true, 200)
	check("line2", a.Line2, false, 200)
	check("city", a.City, true, 100)
	check("postalCode", a.PostalCode, true, 20)
	if len(a.Country) != 2 || a.Country[0] < 'A' || a.Country[0] > 'Z' || a.Country[1] < 'A' || a.Country[1] > 'Z' {
		errs.Check(false, "shippingAddress.country", "must be an ISO 3166-1 alpha-2 country code")
	}
	if err := errs.Err(); err != nil {
		return Address{}, err
	}
	return a, nil
}
