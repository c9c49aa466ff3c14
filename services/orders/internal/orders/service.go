package orders

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/validation"
)

// Service carries out the orders context's use cases.
type Service struct {
	store Store
	relay Relay
	now   func() time.Time
	lease time.Duration // of idempotency claims
}

// Relay publishes events right after the change that wrote them to the
// outbox is committed (outbox.Relay does). It never fails: what it cannot
// publish stays in the outbox, for the sweep.
type Relay interface {
	After(ctx context.Context, events ...event.Envelope)
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

// WithRelay makes the service publish the events of every change it
// commits through r. Without it, events stay in the outbox for a sweep.
func WithRelay(r Relay) Option {
	return func(s *Service) { s.relay = r }
}

// NewService returns a Service on store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, lease: DefaultClaimLease,
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
// product's current name and price from the products projection. It
// returns ErrUnknownProduct when the projection has no such product and
// ErrProductUnavailable when it is archived.
func (s *Service) SetCartItem(ctx context.Context, customerID, productID string, quantity int) (Cart, error) {
	if !ValidProductID(productID) {
		return Cart{}, fmt.Errorf("%w: %q", ErrUnknownProduct, productID)
	}
	if quantity < 1 || quantity > MaxQuantity {
		return Cart{}, validation.Field("quantity", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
	}
	p, err := s.product(ctx, productID)
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
// idempotency key. The cart's products are priced again from the products
// projection, and respond renders the placed order as the response stored with the key.
//
// It returns that response and false for a new order, or the response of
// the earlier request with the same key and body and true. It returns
// ErrKeyReused when the key was used with another body, ErrKeyInProgress
// while another request with it is running, ErrEmptyCart, and
// ErrUnknownProduct or ErrProductUnavailable when a product of the cart is
// unknown or archived. After any error the key may be used again. The
// order's OrderPlaced event is written with it and published before
// PlaceOrder returns (or left in the outbox for the sweep).
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
	placed, err := orderPlaced(ctx, order)
	if err != nil {
		return Response{}, false, err
	}
	err = s.store.PlaceOrder(ctx, Placement{Order: order, CartVersion: cart.Version, Claim: claim, Response: res,
		Events: []event.Envelope{placed}})
	if err != nil {
		return Response{}, false, err
	}
	s.publish(ctx, placed)
	return res, false, nil
}

// publish hands events just committed to the relay, if there is one.
func (s *Service) publish(ctx context.Context, events ...event.Envelope) {
	if s.relay != nil && len(events) > 0 {
		s.relay.After(ctx, events...)
	}
}

// product returns the projection's product id, or ErrUnknownProduct.
func (s *Service) product(ctx context.Context, id string) (Product, error) {
	ps, err := s.store.Products(ctx, []string{id})
	if err != nil {
		return Product{}, err
	}
	p, ok := ps[id]
	if !ok {
		return Product{}, fmt.Errorf("%w: %s", ErrUnknownProduct, id)
	}
	return p, nil
}

// price returns lines with the projection's current names and prices. It
// fails when a product is unknown or archived.
func (s *Service) price(ctx context.Context, lines []Line) ([]Line, error) {
	ids := make([]string, 0, len(lines))
	for _, l := range lines {
		if !slices.Contains(ids, l.ProductID) {
			ids = append(ids, l.ProductID)
		}
	}
	products, err := s.store.Products(ctx, ids)
	if err != nil {
		return nil, err
	}
	priced := make([]Line, len(lines))
	var errs []error
	for i, l := range lines {
		p, ok := products[l.ProductID]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%w: %s", ErrUnknownProduct, l.ProductID))
		case !p.Active:
			errs = append(errs, fmt.Errorf("%w: %s", ErrProductUnavailable, l.ProductID))
		}
		priced[i] = Line{ProductID: l.ProductID, Name: p.Name, UnitPrice: p.Price, Quantity: l.Quantity}
	}
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

// CancelOrder cancels the customer's order, pending or confirmed, and
// announces it (OrderCancelled; catalog releases the stock of a confirmed
// order). It returns ErrNotCancellable for an order already cancelled.
func (s *Service) CancelOrder(ctx context.Context, customerID, id string) (Order, error) {
	if !validOrderID(id) {
		return Order{}, ErrNotFound
	}
	o, events, err := s.store.UpdateOrder(ctx, OrderUpdate{CustomerID: customerID, ID: id,
		Update: func(o *Order) ([]event.Envelope, error) { return s.cancel(ctx, o, ByCustomer()) }})
	if err != nil {
		return Order{}, err
	}
	s.publish(ctx, events...)
	return o, nil
}

// cancel cancels o as c says and returns its OrderCancelled event.
func (s *Service) cancel(ctx context.Context, o *Order, c Cancellation) ([]event.Envelope, error) {
	previous := o.Status
	if err := o.Cancel(c, s.now()); err != nil {
		return nil, err
	}
	e, err := orderCancelled(ctx, *o, previous)
	if err != nil {
		return nil, err
	}
	return []event.Envelope{e}, nil
}

// HandleEvent is the consumer of the events orders consumes (Consumes):
// product snapshots update the products projection; StockReserved confirms
// a pending order and StockRejected cancels it, each announced. Every
// effect is stored with the event's ID, atomically, so that a duplicate
// changes nothing. It returns nil when the event is processed or has
// nothing to do (a stale snapshot, a duplicate, an unknown order, an order
// no longer pending, a type it does not consume), and an error when trying
// again may succeed, or the event is malformed (it then ends in the dead
// letters).
func (s *Service) HandleEvent(ctx context.Context, e event.Envelope) error {
	processed := Processed{EventID: e.ID, At: s.now()}
	switch e.Type {
	case TypeProductCreated, TypeProductChanged, TypeProductArchived:
		p, err := parseProduct(e)
		if err != nil {
			return err
		}
		if _, err := s.store.SaveProduct(ctx, processed, p); err != nil {
			return fmt.Errorf("%s %s: %w", e.Type, e.ID, err)
		}
		return nil
	case TypeStockReserved:
		return s.react(ctx, e, processed, func(o *Order) ([]event.Envelope, error) {
			if o.Status != StatusPending {
				return nil, nil // too late: the customer cancelled it
			}
			if err := o.Confirm(s.now()); err != nil {
				return nil, err
			}
			c, err := orderConfirmed(ctx, *o)
			if err != nil {
				return nil, err
			}
			return []event.Envelope{c}, nil
		})
	case TypeStockRejected:
		reason, err := parseRejection(e)
		if err != nil {
			return err
		}
		return s.react(ctx, e, processed, func(o *Order) ([]event.Envelope, error) {
			if o.Status != StatusPending {
				return nil, nil
			}
			return s.cancel(ctx, o, StockRejected(reason))
		})
	}
	return nil
}

// react applies update to the order e is about, as e's effect.
func (s *Service) react(ctx context.Context, e event.Envelope, processed Processed, update func(*Order) ([]event.Envelope, error)) error {
	d, err := parseStock(e)
	if err != nil {
		return err
	}
	_, events, err := s.store.UpdateOrder(ctx, OrderUpdate{CustomerID: d.CustomerID, ID: d.OrderID, Event: &processed, Update: update})
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrAlreadyProcessed):
		return nil
	case err != nil:
		return fmt.Errorf("%s %s: %w", e.Type, e.ID, err)
	}
	s.publish(ctx, events...)
	return nil
}

// validOrderID reports whether id can be an order ID: a UUID in canonical
// form. Checking it first answers malformed IDs with "not found", and keeps
// them out of keys and cursors.
func validOrderID(id string) bool { return validation.UUID(id) }
