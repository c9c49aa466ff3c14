package orders

import (
	"context"
	"fmt"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/validation"
)

// Source is the orders context's name as the source of its events.
const Source = "orders"

// Event types orders produces. Their data's schemas are in
// services/orders/events (docs/events.md lists them all).
const (
	TypeOrderPlaced    = "OrderPlaced"
	TypeOrderConfirmed = "OrderConfirmed"
	TypeOrderCancelled = "OrderCancelled"
)

// Event types orders consumes (services/orders/events/consumes.json).
const (
	TypeProductCreated  = "ProductCreated"
	TypeProductChanged  = "ProductChanged"
	TypeProductArchived = "ProductArchived"
	TypeStockReserved   = "StockReserved"
	TypeStockRejected   = "StockRejected"
)

// schemaVersion is the version of the data of every event orders produces.
const schemaVersion = 1

// The data of the events, as their schemas define it. Contexts share the
// JSON, never these types.

type moneyData struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type placedLineData struct {
	ProductID string    `json:"productId"`
	Name      string    `json:"name"`
	Quantity  int       `json:"quantity"`
	UnitPrice moneyData `json:"unitPrice"`
}

type orderPlacedData struct {
	OrderID    string           `json:"orderId"`
	CustomerID string           `json:"customerId"`
	Lines      []placedLineData `json:"lines"`
	Total      moneyData        `json:"total"`
	PlacedAt   time.Time        `json:"placedAt"`
}

type quantityLineData struct {
	ProductID string `json:"productId"`
	Quantity  int    `json:"quantity"`
}

type orderConfirmedData struct {
	OrderID    string             `json:"orderId"`
	CustomerID string             `json:"customerId"`
	Lines      []quantityLineData `json:"lines"`
}

type orderCancelledData struct {
	OrderID        string             `json:"orderId"`
	CustomerID     string             `json:"customerId"`
	Reason         CancelReason       `json:"reason"`
	PreviousStatus Status             `json:"previousStatus"`
	Lines          []quantityLineData `json:"lines"`
}

func quantities(lines []Line) []quantityLineData {
	out := make([]quantityLineData, len(lines))
	for i, l := range lines {
		out[i] = quantityLineData{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	return out
}

// orderPlaced returns the OrderPlaced event of o, just placed.
func orderPlaced(ctx context.Context, o Order) (event.Envelope, error) {
	lines := make([]placedLineData, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = placedLineData{ProductID: l.ProductID, Name: l.Name, Quantity: l.Quantity,
			UnitPrice: moneyData(l.UnitPrice)}
	}
	return event.New(ctx, Source, TypeOrderPlaced, o.ID, schemaVersion, orderPlacedData{
		OrderID: o.ID, CustomerID: o.CustomerID, Lines: lines, Total: moneyData(o.Total), PlacedAt: o.PlacedAt,
	}, o.PlacedAt)
}

// orderConfirmed returns the OrderConfirmed event of o, just confirmed.
func orderConfirmed(ctx context.Context, o Order) (event.Envelope, error) {
	return event.New(ctx, Source, TypeOrderConfirmed, o.ID, schemaVersion, orderConfirmedData{
		OrderID: o.ID, CustomerID: o.CustomerID, Lines: quantities(o.Lines),
	}, o.UpdatedAt)
}

// orderCancelled returns the OrderCancelled event of o, just cancelled
// from previous. Its reason is the cancellation's (catalog's own reason
// stays in the order: catalog knows it, and reviews needs none).
func orderCancelled(ctx context.Context, o Order, previous Status) (event.Envelope, error) {
	return event.New(ctx, Source, TypeOrderCancelled, o.ID, schemaVersion, orderCancelledData{
		OrderID: o.ID, CustomerID: o.CustomerID, Reason: o.Cancellation.Reason, PreviousStatus: previous, Lines: quantities(o.Lines),
	}, o.UpdatedAt)
}

// productData is the data of ProductCreated, ProductChanged and
// ProductArchived: a snapshot of the product at its version.
type productData struct {
	ProductID string    `json:"productId"`
	Name      string    `json:"name"`
	Price     moneyData `json:"price"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
}

// parseProduct reads the product a product event is a snapshot of.
func parseProduct(e event.Envelope) (Product, error) {
	var d productData
	if err := e.Decode(&d); err != nil {
		return Product{}, err
	}
	var errs validation.Errors
	errs.Check(ValidProductID(d.ProductID), "productId", "must be a product ID")
	errs.Check(d.Name != "", "name", "is required")
	errs.Check(d.Price.Amount >= 0, "price.amount", "must not be negative")
	errs.Check(validCurrency(d.Price.Currency), "price.currency", "must be an ISO 4217 code")
	errs.Check(d.Status == "active" || d.Status == "archived", "status", "must be active or archived")
	errs.Check(d.Version >= 1, "version", "must be 1 or more")
	errs.Check(e.Type != TypeProductArchived || d.Status == "archived", "status", "must be archived in ProductArchived")
	if err := errs.Err(); err != nil {
		return Product{}, fmt.Errorf("%w: %s %s: %w", event.ErrInvalid, e.Type, e.ID, err)
	}
	return Product{ID: d.ProductID, Name: d.Name, Price: Money(d.Price), Active: d.Status == "active", Version: d.Version}, nil
}

func validCurrency(c string) bool {
	return len(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z'
}

// stockData is the part of StockReserved and StockRejected orders reads:
// which order, under which customer (the order lives in the customer's
// partition).
type stockData struct {
	OrderID    string `json:"orderId"`
	CustomerID string `json:"customerId"`
}

func parseStock(e event.Envelope) (stockData, error) {
	var d stockData
	if err := e.Decode(&d); err != nil {
		return stockData{}, err
	}
	var errs validation.Errors
	errs.Check(validOrderID(d.OrderID), "orderId", "must be an order ID")
	errs.Check(d.CustomerID != "" && len(d.CustomerID) <= 128, "customerId", "must be 1 to 128 characters")
	if err := errs.Err(); err != nil {
		return stockData{}, fmt.Errorf("%w: %s %s: %w", event.ErrInvalid, e.Type, e.ID, err)
	}
	return d, nil
}

// parseRejection reads catalog's reason from a StockRejected: a reason
// orders does not know (or none) is "", so that a reason catalog adds
// later still cancels the order, only without the detail.
func parseRejection(e event.Envelope) (StockReason, error) {
	var d struct {
		Reason string `json:"reason"`
	}
	if err := e.Decode(&d); err != nil {
		return "", err
	}
	return ParseStockReason(d.Reason), nil
}
