package catalog

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
)

// Source is the catalog's name as the source of its events.
const Source = "catalog"

// The types of the events the catalog produces. Their data's schemas are
// services/catalog/events/<Type>.schema.json.
const (
	TypeProductCreated  = "ProductCreated"
	TypeProductChanged  = "ProductChanged"
	TypeProductArchived = "ProductArchived"
	TypeStockReserved   = "StockReserved"
	TypeStockRejected   = "StockRejected"
)

// The types of the events the catalog consumes (events/consumes.json).
const (
	TypeOrderPlaced     = "OrderPlaced"
	TypeOrderCancelled  = "OrderCancelled"
	TypeReviewSubmitted = "ReviewSubmitted"
	TypeReviewRevised   = "ReviewRevised"
	TypeReviewWithdrawn = "ReviewWithdrawn"
)

// schemaVersion is the version of every schema the catalog produces.
const schemaVersion = 1

// The data of the events the catalog produces, as their schemas describe
// them. These are the events' wire form, not domain types: they exist only
// to be encoded into an envelope.
type (
	moneyData struct {
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	}
	productData struct {
		ProductID string    `json:"productId"`
		Name      string    `json:"name"`
		Price     moneyData `json:"price"`
		Status    string    `json:"status"`
		Version   int       `json:"version"`
	}
	lineData struct {
		ProductID string `json:"productId"`
		Quantity  int    `json:"quantity"`
	}
	stockReservedData struct {
		OrderID    string     `json:"orderId"`
		CustomerID string     `json:"customerId"`
		Lines      []lineData `json:"lines"`
	}
	stockRejectedData struct {
		OrderID    string   `json:"orderId"`
		CustomerID string   `json:"customerId"`
		Reason     string   `json:"reason"`
		ProductIDs []string `json:"productIds"`
	}
)

// productEvent returns an event of type typ carrying p's snapshot.
func productEvent(ctx context.Context, typ string, p Product, now time.Time) (event.Envelope, error) {
	return event.New(ctx, Source, typ, p.ID, schemaVersion, productData{
		ProductID: p.ID, Name: p.Name, Price: moneyData(p.Price), Status: string(p.Status), Version: p.Version,
	}, now)
}

// ProductCreatedEvent returns the ProductCreated event of p: what creating
// it announces, and what a store's migration writes once for each product
// that existed before the catalog had events.
func ProductCreatedEvent(ctx context.Context, p Product, now time.Time) (event.Envelope, error) {
	return productEvent(ctx, TypeProductCreated, p, now)
}

// ChangeEvents returns the events announcing the change of a product from
// before to after: ProductArchived when it was archived, ProductChanged
// when its name, price or status changed otherwise (made active again
// included), and none for other changes (description, category, stock),
// which no other context keeps.
func ChangeEvents(ctx context.Context, before, after Product, now time.Time) ([]event.Envelope, error) {
	var typ string
	switch {
	case after.Status == StatusArchived && before.Status != StatusArchived:
		typ = TypeProductArchived
	case after.Name != before.Name || after.Price != before.Price || after.Status != before.Status:
		typ = TypeProductChanged
	default:
		return nil, nil
	}
	e, err := productEvent(ctx, typ, after, now)
	if err != nil {
		return nil, err
	}
	return []event.Envelope{e}, nil
}

// Order is what the catalog needs of a placed order: whose it is and what
// stock it takes.
type Order struct {
	ID         string
	CustomerID string
	Lines      []OrderLine
}

// OrderLine is a quantity of one product.
type OrderLine struct {
	ProductID string
	Quantity  int
}

// normalized returns the order with one line per product, in product-ID
// order, and product IDs in canonical form (lower case) where they are
// UUIDs: the order in which stores lock products, so that concurrent
// reservations never deadlock.
func (o Order) normalized() Order {
	qty := make(map[string]int)
	for _, l := range o.Lines {
		qty[canonicalID(l.ProductID)] += l.Quantity
	}
	lines := make([]OrderLine, 0, len(qty))
	for id, q := range qty {
		lines = append(lines, OrderLine{ProductID: id, Quantity: q})
	}
	slices.SortFunc(lines, func(a, b OrderLine) int { return strings.Compare(a.ProductID, b.ProductID) })
	o.Lines = lines
	return o
}

// canonicalID returns id in canonical form when it is a UUID, else id.
func canonicalID(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}

// RejectReason says why an order's stock could not be reserved.
type RejectReason string

// Reasons of a rejection, from the most to the least definite: a rejected
// order names the first that applies to any of its lines.
const (
	ReasonUnknownProduct     RejectReason = "unknown_product"
	ReasonProductUnavailable RejectReason = "product_unavailable"
	ReasonInsufficientStock  RejectReason = "insufficient_stock"
)

// ProductStock is what a store read of a product whose line it could not
// reserve: whether it exists, its status and its stock.
type ProductStock struct {
	ProductID string
	Found     bool
	Status    Status
	Stock     int
}

// reason returns why a line of this product could not be reserved.
func (s ProductStock) reason() RejectReason {
	switch {
	case !s.Found:
		return ReasonUnknownProduct
	case s.Status != StatusActive:
		return ReasonProductUnavailable
	default:
		return ReasonInsufficientStock
	}
}

// StockDecision is what the catalog decided about an order: every line
// reserved, or the order rejected, with the reason and the products whose
// lines could not be reserved.
type StockDecision struct {
	Reserved   bool
	Reason     RejectReason
	ProductIDs []string
}

// Rejection returns the decision to reject an order whose lines of the
// products in failed could not be reserved.
func Rejection(failed []ProductStock) StockDecision {
	d := StockDecision{Reason: ReasonInsufficientStock}
	rank := map[RejectReason]int{ReasonUnknownProduct: 0, ReasonProductUnavailable: 1, ReasonInsufficientStock: 2}
	for _, s := range failed {
		d.ProductIDs = append(d.ProductIDs, s.ProductID)
		if r := s.reason(); rank[r] < rank[d.Reason] {
			d.Reason = r
		}
	}
	slices.Sort(d.ProductIDs)
	return d
}

// StockEvent returns the event announcing decision d about order o:
// StockReserved or StockRejected.
func StockEvent(ctx context.Context, o Order, d StockDecision, now time.Time) (event.Envelope, error) {
	if d.Reserved {
		lines := make([]lineData, len(o.Lines))
		for i, l := range o.Lines {
			lines[i] = lineData(l)
		}
		return event.New(ctx, Source, TypeStockReserved, o.ID, schemaVersion,
			stockReservedData{OrderID: o.ID, CustomerID: o.CustomerID, Lines: lines}, now)
	}
	return event.New(ctx, Source, TypeStockRejected, o.ID, schemaVersion, stockRejectedData{
		OrderID: o.ID, CustomerID: o.CustomerID, Reason: string(d.Reason), ProductIDs: d.ProductIDs,
	}, now)
}

// ReservationStatus is what the catalog remembers of an order it decided
// on.
type ReservationStatus string

const (
	// ReservationReserved: every line's stock is taken.
	ReservationReserved ReservationStatus = "reserved"
	// ReservationRejected: nothing was taken, and nothing will be.
	ReservationRejected ReservationStatus = "rejected"
	// ReservationReleased: the stock taken was put back, or the order was
	// cancelled before the catalog heard of its placement (a tombstone, so
	// that the late OrderPlaced takes nothing).
	ReservationReleased ReservationStatus = "released"
)

// RatingDelta is a change of a product's rating sums by one review event.
type RatingDelta struct {
	Count int
	Total int
}

// ProcessedRetention is how long stores remember the IDs of the events
// they processed (ForgetProcessed): longer than any queue keeps an event
// (SQS at most 14 days, including its dead-letter queue's own retention
// from the original enqueue time).
const ProcessedRetention = 14 * 24 * time.Hour
