package orders

import (
	"fmt"
	"slices"
	"time"
)

// Status is where an order is in its life.
type Status string

// The order saga's states. An order is placed pending; catalog then
// reserves its stock (StockReserved: confirmed) or rejects it
// (StockRejected: cancelled). Its customer may cancel it while it is
// pending or confirmed. Cancelled is terminal:
//
//	pending   -> confirmed  by StockReserved
//	pending   -> cancelled  by StockRejected or the customer
//	confirmed -> cancelled  by the customer (catalog then releases the stock)
//	cancelled -> (none)
const (
	StatusPending   Status = "pending"
	StatusConfirmed Status = "confirmed"
	StatusCancelled Status = "cancelled"
)

// Order is what a customer bought: the lines of their cart priced at
// placement, and where to ship them. Its lines never change.
type Order struct {
	ID         string // sorts in placement order (UUIDv7)
	CustomerID string
	Lines      []Line
	Total      Money
	Shipping   Address
	Status     Status
	// Cancellation says why a cancelled order was cancelled; it is set by
	// Cancel, with the status, and never changes after. It is zero for an
	// order that is not cancelled, and for one cancelled before orders
	// recorded why.
	Cancellation Cancellation
	PlacedAt     time.Time
	UpdatedAt    time.Time
	Version      int // starts at 1, incremented by every change
}

// NewOrder returns a pending order at version 1 for lines, which must not
// be empty and must share one currency. The order keeps its own copy of
// lines, so that changing the cart they came from leaves it unchanged.
func NewOrder(id, customerID string, lines []Line, shipping Address, now time.Time) (Order, error) {
	t, ok := total(lines)
	if !ok {
		return Order{}, ErrEmptyCart
	}
	for _, l := range lines {
		if l.UnitPrice.Currency != t.Currency {
			return Order{}, ErrCurrencyMismatch
		}
	}
	return Order{
		ID: id, CustomerID: customerID, Lines: slices.Clone(lines), Total: t, Shipping: shipping,
		Status: StatusPending, PlacedAt: now, UpdatedAt: now, Version: 1,
	}, nil
}

// Summary is an order without its lines, as listed.
type Summary struct {
	ID           string
	Total        Money
	Items        int // the number of units ordered
	Status       Status
	Cancellation Cancellation
	PlacedAt     time.Time
	UpdatedAt    time.Time
}

// Summary returns o's summary.
func (o Order) Summary() Summary {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return Summary{ID: o.ID, Total: o.Total, Items: n, Status: o.Status, Cancellation: o.Cancellation,
		PlacedAt: o.PlacedAt, UpdatedAt: o.UpdatedAt}
}

// CancelReason says who cancelled an order. The same values are
// OrderCancelled's reason.
type CancelReason string

// Reasons of a cancellation.
const (
	CancelledByCustomer CancelReason = "customer"       // its customer asked (POST /v1/orders/{id}/cancel)
	CancelledNoStock    CancelReason = "stock_rejected" // catalog could not reserve its stock (StockRejected)
)

// StockReason is catalog's reason for rejecting an order's stock, as its
// StockRejected says: the first that applies to any of the order's lines.
type StockReason string

// catalog's reasons (services/catalog/events/StockRejected.schema.json).
const (
	StockInsufficient       StockReason = "insufficient_stock"  // too little stock
	StockProductUnavailable StockReason = "product_unavailable" // an archived product
	StockUnknownProduct     StockReason = "unknown_product"     // a product catalog does not know
)

// ParseStockReason returns the StockReason s names, or "" when s is none
// orders knows (a reason catalog added since): the order is cancelled all
// the same, without the detail.
func ParseStockReason(s string) StockReason {
	switch r := StockReason(s); r {
	case StockInsufficient, StockProductUnavailable, StockUnknownProduct:
		return r
	}
	return ""
}

// Cancellation is why an order was cancelled: by its customer, or because
// catalog rejected its stock, then with catalog's reason when it gave one
// orders knows. The zero Cancellation is none.
type Cancellation struct {
	Reason CancelReason
	Stock  StockReason // only with CancelledNoStock; "" when unknown
}

// ByCustomer is the cancellation of an order by its customer.
func ByCustomer() Cancellation { return Cancellation{Reason: CancelledByCustomer} }

// StockRejected is the cancellation of an order whose stock catalog
// rejected for reason (see ParseStockReason).
func StockRejected(reason StockReason) Cancellation {
	return Cancellation{Reason: CancelledNoStock, Stock: ParseStockReason(string(reason))}
}

// IsZero reports whether c is no cancellation.
func (c Cancellation) IsZero() bool { return c == Cancellation{} }

func (c Cancellation) valid() bool {
	switch c.Reason {
	case CancelledByCustomer:
		return c.Stock == ""
	case CancelledNoStock:
		return c.Stock == ParseStockReason(string(c.Stock))
	}
	return false
}

// Cancel cancels a pending or confirmed order for the reason c gives,
// which the order keeps. It returns ErrNotCancellable for an order already
// cancelled (its cancellation stays as it was).
func (o *Order) Cancel(c Cancellation, now time.Time) error {
	if !c.valid() {
		return fmt.Errorf("cancel order %s: invalid cancellation %+v", o.ID, c)
	}
	if o.Status != StatusPending && o.Status != StatusConfirmed {
		return fmt.Errorf("%w: the order is %s", ErrNotCancellable, o.Status)
	}
	o.change(StatusCancelled, now)
	o.Cancellation = c
	return nil
}

// Confirm confirms a pending order, once its stock is reserved. It returns
// ErrNotPending otherwise.
func (o *Order) Confirm(now time.Time) error {
	if o.Status != StatusPending {
		return fmt.Errorf("%w: the order is %s", ErrNotPending, o.Status)
	}
	o.change(StatusConfirmed, now)
	return nil
}

func (o *Order) change(s Status, now time.Time) {
	o.Status = s
	o.UpdatedAt = now
	o.Version++
}
