package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"example.com/quartet/packages/event"
)

// Page size bounds for listing orders.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Errors about idempotency keys.
var (
	ErrKeyInProgress = errors.New("a request with this idempotency key is still in progress")
	ErrKeyReused     = errors.New("this idempotency key was used with a different request")
	// ErrClaimLost means a claim expired and another request took the key
	// over before this one completed.
	ErrClaimLost = errors.New("the idempotency key was claimed by another request")
)

// KeyInProgressError is ErrKeyInProgress with the time left on the claim
// that holds the key: a retry with the same body takes the key over once
// RetryAfter has passed, if the holder has not completed by then.
type KeyInProgressError struct {
	RetryAfter time.Duration
}

func (e *KeyInProgressError) Error() string {
	return fmt.Sprintf("%v (lease ends in %v)", ErrKeyInProgress, e.RetryAfter)
}

// Is makes errors.Is(err, ErrKeyInProgress) true.
func (e *KeyInProgressError) Is(target error) bool { return target == ErrKeyInProgress }

// KeyInProgress returns the error for a key whose claim holds until
// lockedUntil, seen at now: ErrKeyInProgress with the time left, at least
// one millisecond.
func KeyInProgress(lockedUntil, now time.Time) error {
	return &KeyInProgressError{RetryAfter: max(lockedUntil.Sub(now), time.Millisecond)}
}

// Idempotency timings.
const (
	// DefaultClaimLease is how long a request holds its idempotency key
	// while in progress, unless the service is configured otherwise
	// (WithClaimLease). A request that dies holding it (a crash, a Lambda
	// timeout, a store that hangs) blocks retries with the same key for at
	// most this long; then a retry with the same body takes the key over.
	// It must not exceed the function timeout: a live request is done or
	// dead by then.
	DefaultClaimLease = 15 * time.Second
	// KeyRetention is how long a completed request's response is replayed.
	KeyRetention = 24 * time.Hour
)

// Claim is one request's hold on an idempotency key.
type Claim struct {
	CustomerID  string
	Key         string
	RequestHash string        // identifies the request body; a different body is ErrKeyReused
	Token       string        // unique to the request holding the claim; fences its completion
	Now         time.Time     // when the claim is made
	Lease       time.Duration // how long the claim holds the key; 0 is DefaultClaimLease
}

// LockedUntil is when an unfinished claim may be taken over.
func (c Claim) LockedUntil() time.Time {
	if c.Lease <= 0 {
		return c.Now.Add(DefaultClaimLease)
	}
	return c.Now.Add(c.Lease)
}

// ExpiresAt is when the key and its response are forgotten.
func (c Claim) ExpiresAt() time.Time { return c.Now.Add(KeyRetention) }

// Response is the response to a completed request, replayed for every
// retry with the same idempotency key and body.
type Response struct {
	Status int
	Body   []byte
}

// Placement is everything saved, at once, when an order is placed.
type Placement struct {
	Order       Order
	CartVersion int // the version of the cart the order was made from
	Claim       Claim
	Response    Response
	Events      []event.Envelope // written to the outbox with the order (OrderPlaced)
}

// ProcessedRetention is how long a store remembers the ID of an event it
// processed: longer than any copy of the event can still arrive (SQS keeps
// a message, dead letters included, for at most 14 days).
const ProcessedRetention = 14 * 24 * time.Hour

// Processed names an event whose effect a store records, so that a
// duplicate of it changes nothing.
type Processed struct {
	EventID string
	At      time.Time // when it was processed; the record expires ProcessedRetention later
}

// ExpiresAt is when the record of the event may be forgotten.
func (p Processed) ExpiresAt() time.Time { return p.At.Add(ProcessedRetention) }

// OrderUpdate is a change of one order: by its customer's request, or as the
// effect of an event.
type OrderUpdate struct {
	CustomerID string
	ID         string
	// Event, when set, is the event this change is the effect of: the store
	// records it with the change, atomically, and returns
	// ErrAlreadyProcessed (saving nothing) when it recorded it before.
	Event *Processed
	// Update changes the order and returns the events that announce the
	// change, written to the outbox with it. It may leave the order as it
	// is (same Version) and return no events: then nothing but Event, if
	// set, is saved. Otherwise it must bump Version once. An error is
	// returned as is and nothing is saved. It may be called more than once
	// (after a concurrent change).
	Update func(*Order) ([]event.Envelope, error)
}

// Query selects a page of a customer's orders, newest first.
type Query struct {
	CustomerID string
	After      string // the ID of the last order of the previous page; "" for the first
	Limit      int    // 1..MaxLimit
}

// Page is one page of order summaries. Next is the ID to pass as
// Query.After for the following page, or "" on the last page.
type Page struct {
	Orders []Summary
	Next   string
}

// Store keeps carts, orders and idempotency records.
type Store interface {
	// Cart returns the customer's cart, or an empty cart at version 0 when
	// the customer has none.
	Cart(ctx context.Context, customerID string) (Cart, error)

	// UpdateCart reads the customer's cart (EmptyCart when none), calls
	// update on it and saves the result, atomically: a change saved by
	// someone else between read and save makes the call read and update
	// again, so no change is lost. update must bump Version once (the cart
	// methods do) or return an error, which is returned as is and nothing
	// is saved. It returns ErrConflict when it could not save after many
	// attempts.
	UpdateCart(ctx context.Context, customerID string, update func(*Cart) error) (Cart, error)

	// ClaimKey claims an idempotency key for a request. It returns
	// (Response{}, false, nil) when the key is now held by c, and the
	// stored response and true when a request with the same body completed
	// under the key. It returns ErrKeyInProgress when another request with
	// the same body holds the key (a *KeyInProgressError, with the time
	// left on that claim as seen at c.Now), and ErrKeyReused when the key
	// was used with a different body. An expired key, or an expired claim
	// for the same body, is taken over, by exactly one of concurrent takers;
	// the claim taken over can then neither complete nor release the key.
	ClaimKey(ctx context.Context, c Claim) (Response, bool, error)

	// ReleaseKey gives up a claim without a response, so the key can be
	// used again. Releasing a claim that is not c's does nothing.
	ReleaseKey(ctx context.Context, c Claim) error

	// PlaceOrder saves p.Order with its lines, completes p.Claim with
	// p.Response, empties the cart and writes p.Events to the outbox, all
	// or nothing. It returns
	// ErrConflict when the cart is no longer at p.CartVersion and
	// ErrClaimLost when p.Claim is no longer held.
	PlaceOrder(ctx context.Context, p Placement) error

	// Order returns the customer's order with the given ID, or ErrNotFound
	// (also when it is another customer's).
	Order(ctx context.Context, customerID, id string) (Order, error)

	// Orders returns one page of the customer's orders, newest first.
	Orders(ctx context.Context, q Query) (Page, error)

	// UpdateOrder reads the customer's order, calls u.Update on it and
	// saves its Status, UpdatedAt, Version and Cancellation (when set: a
	// cancellation is never unset), the events u.Update returned
	// (to the outbox) and u.Event, all or nothing, if no concurrent change
	// of the order was saved in between; else it reads and updates again.
	// It returns the order and events saved. It returns ErrNotFound when the
	// customer has no such order, ErrAlreadyProcessed when u.Event was
	// processed before, and ErrConflict when other writers kept winning.
	UpdateOrder(ctx context.Context, u OrderUpdate) (Order, []event.Envelope, error)

	// Products returns the projection's products with the given IDs
	// (each at most once); an ID it has no product for is absent from the
	// map.
	Products(ctx context.Context, ids []string) (map[string]Product, error)

	// SaveProduct stores p in the projection as the effect of event e,
	// unless the projection holds p.ID at p.Version or later, or e was
	// processed before: then it changes nothing. It reports whether it
	// stored p.
	SaveProduct(ctx context.Context, e Processed, p Product) (bool, error)
}

// Product is what the orders context knows of a catalog product, from
// catalog's events.
type Product struct {
	ID      string
	Name    string
	Price   Money
	Active  bool // false once the product is archived
	Version int  // catalog's version of the product; a higher one replaces it
}
