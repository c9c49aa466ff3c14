package orders

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/validation"
)

// lookupConcurrency bounds the catalog requests made at once while pricing
// an order.
const lookupConcurrency = 8

// Service carries out the orders context's use cases.
type Service struct {
	store   Store
	catalog ProductLookup
	now     func() time.Time
	lease   time.Duration // of idempotency claims
}

// Option configures a Service.
type Option func(*Service)

// WithClaimLease sets how long an order placement holds its idempotency key
// (DefaultClaimLease when d is not positive). Keep it no longer than the
// function timeout.
func WithClaimLease(d time.Duration) Option {
	return func(s *Service) {
		if d > 0 {
			s.lease = d
		}
	}
}

// NewService returns a Service on store that reads products from catalog.
func NewService(store Store, catalog ProductLookup, opts ...Option) *Service {
	s := &Service{store: store, catalog: catalog, lease: DefaultClaimLease,
		now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Cart returns the customer's cart; an abandoned cart is empty.
func (s *Service) Cart(ctx context.Context, customerID string) (Cart, error) {
	c, err := s.store.Cart(ctx, customerID)
	if err != nil {
		return Cart{}, err
	}
	if c.Expired(s.now()) {
		c.Lines = nil
	}
	return c, nil
}

// SetCartItem puts quantity of a product in the customer's cart, with the
// product's current name and price from the catalog. It returns
// ErrUnknownProduct or ErrProductUnavailable when the catalog does not sell
// it.
func (s *Service) SetCartItem(ctx context.Context, customerID, productID string, quantity int) (Cart, error) {
	if !ValidProductID(productID) {
		return Cart{}, fmt.Errorf("%w: %q", ErrUnknownProduct, productID)
	}
	if quantity < 1 || quantity > MaxQuantity {
		return Cart{}, validation.Field("quantity", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
	}
	p, err := s.catalog.Product(ctx, productID)
	if err != nil {
		return Cart{}, err
	}
	return s.updateCart(ctx, customerID, func(c *Cart, now time.Time) error { return c.SetItem(p, quantity, now) })
}

// RemoveCartItem takes a product out of the customer's cart.
func (s *Service) RemoveCartItem(ctx context.Context, customerID, productID string) (Cart, error) {
	c, err := s.Cart(ctx, customerID)
	if err != nil || c.index(productID) < 0 {
		return c, err // nothing to remove: save nothing
	}
	return s.updateCart(ctx, customerID, func(c *Cart, now time.Time) error {
		if c.index(productID) < 0 {
			return errNothingToDo
		}
		c.RemoveItem(productID, now)
		return nil
	})
}

// errNothingToDo stops an update closure that finds nothing to change.
var errNothingToDo = errors.New("nothing to do")

func (s *Service) updateCart(ctx context.Context, customerID string, fn func(*Cart, time.Time) error) (Cart, error) {
	var unchanged Cart
	c, err := s.store.UpdateCart(ctx, customerID, func(c *Cart) error {
		now := s.now()
		if c.Expired(now) {
			c.Lines = nil
		}
		if err := fn(c, now); err != nil {
			unchanged = *c
			return err
		}
		return nil
	})
	if errors.Is(err, errNothingToDo) {
		return unchanged, nil
	}
	return c, err
}

// PlaceOrder is the request to place an order from the caller's cart.
type PlaceOrder struct {
	CustomerID     string
	IdempotencyKey string
	RequestHash    string // identifies the request body
	Shipping       Address
}

// PlaceOrder places an order from the customer's cart, at most once per
// idempotency key. The cart's products are priced again from the catalog,
// and respond renders the placed order as the response stored with the key.
//
// It returns that response and false for a new order, or the response of
// the earlier request with the same key and body and true. It returns
// ErrKeyReused when the key was used with another body, ErrKeyInProgress
// while another request with it is running, ErrEmptyCart, and
// ErrUnknownProduct or ErrProductUnavailable when the catalog no longer
// sells a product of the cart. After any error the key may be used again.
func (s *Service) PlaceOrder(ctx context.Context, req PlaceOrder, respond func(Order) (Response, error)) (res Response, replayed bool, err error) {
	if !ValidIdempotencyKey(req.IdempotencyKey) {
		return Response{}, false, validation.Field("Idempotency-Key", "must be 1 to 128 visible ASCII characters")
	}
	shipping, err := ParseAddress(req.Shipping)
	if err != nil {
		return Response{}, false, err
	}
	claim := Claim{CustomerID: req.CustomerID, Key: req.IdempotencyKey, RequestHash: req.RequestHash,
		Token: rand.Text(), Now: s.now(), Lease: s.lease}
	res, replayed, err = s.store.ClaimKey(ctx, claim)
	if err != nil || replayed {
		return res, replayed, err
	}
	defer func() {
		if err != nil {
			// The key stays claimed until the lease ends if this fails too.
			if rerr := s.store.ReleaseKey(context.WithoutCancel(ctx), claim); rerr != nil {
				err = errors.Join(err, fmt.Errorf("release idempotency key: %w", rerr))
			}
		}
	}()

	cart, err := s.Cart(ctx, req.CustomerID)
	if err != nil {
		return Response{}, false, err
	}
	if len(cart.Lines) == 0 {
		return Response{}, false, ErrEmptyCart
	}
	lines, err := s.price(ctx, cart.Lines)
	if err != nil {
		return Response{}, false, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Response{}, false, fmt.Errorf("new order id: %w", err)
	}
	order, err := NewOrder(id.String(), req.CustomerID, lines, shipping, s.now())
	if err != nil {
		return Response{}, false, err
	}
	if res, err = respond(order); err != nil {
		return Response{}, false, err
	}
	err = s.store.PlaceOrder(ctx, Placement{Order: order, CartVersion: cart.Version, Claim: claim, Response: res})
	if err != nil {
		return Response{}, false, err
	}
	return res, false, nil
}

// price returns lines with the catalog's current names and prices. It
// fails when the catalog no longer sells one of the products.
func (s *Service) price(ctx context.Context, lines []Line) ([]Line, error) {
	priced := make([]Line, len(lines))
	errs := make([]error, len(lines))
	sem := make(chan struct{}, lookupConcurrency)
	var wg sync.WaitGroup
	for i, l := range lines {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			p, err := s.catalog.Product(ctx, l.ProductID)
			if err == nil && !p.Active {
				err = fmt.Errorf("%w: %s", ErrProductUnavailable, l.ProductID)
			}
			priced[i] = Line{ProductID: l.ProductID, Name: p.Name, UnitPrice: p.Price, Quantity: l.Quantity}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return priced, nil
}

// ValidIdempotencyKey reports whether key can be an idempotency key: 1 to
// 128 visible ASCII characters (a UUID is a good choice).
func ValidIdempotencyKey(key string) bool {
	if key == "" || len(key) > 128 {
		return false
	}
	for i := range len(key) {
		if key[i] < '!' || key[i] > '~' {
			return false
		}
	}
	return true
}

// Order returns the customer's order with the given ID.
func (s *Service) Order(ctx context.Context, customerID, id string) (Order, error) {
	if !validOrderID(id) {
		return Order{}, ErrNotFound
	}
	return s.store.Order(ctx, customerID, id)
}

// Orders returns a page of the customer's orders, newest first.
func (s *Service) Orders(ctx context.Context, q Query) (Page, error) {
	if q.Limit < 1 || q.Limit > MaxLimit {
		return Page{}, validation.Field("limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	}
	if q.After != "" && !validOrderID(q.After) {
		return Page{}, validation.Field("cursor", "is not a cursor this API issued")
	}
	return s.store.Orders(ctx, q)
}

// CancelOrder cancels the customer's order if it is still pending. It
// returns ErrNotPending otherwise.
func (s *Service) CancelOrder(ctx context.Context, customerID, id string) (Order, error) {
	if !validOrderID(id) {
		return Order{}, ErrNotFound
	}
	return s.store.UpdateOrder(ctx, customerID, id, func(o *Order) error { return o.Cancel(s.now()) })
}

// validOrderID reports whether id can be an order ID: a UUID in canonical
// form. Checking it first answers malformed IDs with "not found", and keeps
// them out of keys and cursors.
func validOrderID(id string) bool { return validation.UUID(id) }
