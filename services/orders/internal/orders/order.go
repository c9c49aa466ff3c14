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
	PlacedAt   time.Time
	UpdatedAt  time.Time
	Version    int // starts at 1, incremented by every change
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
	ID        string
	Total     Money
	Items     int // the number of units ordered
	Status    Status
	PlacedAt  time.Time
	UpdatedAt time.Time
}

// Summary returns o's summary.
func (o Order) Summary() Summary {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return Summary{ID: o.ID, Total: o.Total, Items: n, Status: o.Status, PlacedAt: o.PlacedAt, UpdatedAt: o.UpdatedAt}
}

// CancelReason says why an order was cancelled.
type CancelReason string

// Reasons of a cancellation.
const (
	CancelledByCustomer CancelReason = "customer"
	CancelledNoStock    CancelReason = "stock_rejected"
)

// Cancel cancels a pending or confirmed order. It returns
// ErrNotCancellable for an order already cancelled.
func (o *Order) Cancel(now time.Time) error {
	if o.Status != StatusPending && o.Status != StatusConfirmed {
		return fmt.Errorf("%w: the order is %s", ErrNotCancellable, o.Status)
	}
	o.change(StatusCancelled, now)
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
