package dynamo

import (
	"fmt"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

// Key shapes of the single table (see services/orders/README.md).
func customerPK(customerID string) string { return "CUSTOMER#" + customerID }
func orderSK(orderID string) string       { return "ORDER#" + orderID }
func orderLineSK(orderID string, n int) string {
	return fmt.Sprintf("ORDER#%s#LINE#%03d", orderID, n)
}
func idempotencySK(key string) string   { return "IDEMPOTENCY#" + key }
func productPK(productID string) string { return "PRODUCT#" + productID }
func processedPK(eventID string) string { return "EVENT#" + eventID }
func outboxPK(shard int) string         { return fmt.Sprintf("OUTBOX#%d", shard) }

const (
	cartSK      = "CART"
	productSK   = "PRODUCT"
	processedSK = "PROCESSED"
)

// Values of the type attribute, which names each item's entity.
const (
	typeCart        = "cart"
	typeOrder       = "order"
	typeOrderLine   = "orderLine"
	typeIdempotency = "idempotency"
	typeProduct     = "product"
	typeProcessed   = "processedEvent"
	typeOutbox      = "outbox"
)

// States of an idempotency record.
const (
	stateInProgress = "inProgress"
	stateCompleted  = "completed"
)

// The rows are the items as stored. Attribute names are the dynamodbav
// tags; key attributes are upper case, table.PK and friends.

type lineRow struct {
	ProductID string `dynamodbav:"productId"`
	Name      string `dynamodbav:"name"`
	Amount    int64  `dynamodbav:"unitAmount"`
	Currency  string `dynamodbav:"currency"`
	Quantity  int    `dynamodbav:"quantity"`
}

type cartRow struct {
	PK        string    `dynamodbav:"PK"`
	SK        string    `dynamodbav:"SK"`
	Type      string    `dynamodbav:"type"`
	Customer  string    `dynamodbav:"customerId"`
	Lines     []lineRow `dynamodbav:"lines,omitempty"` // absent when empty: minidyn garbles empty lists
	Version   int       `dynamodbav:"version"`
	UpdatedAt string    `dynamodbav:"updatedAt"`
	ExpiresAt int64     `dynamodbav:"expiresAt"` // TTL, epoch seconds
}

type addressRow struct {
	Name       string `dynamodbav:"name"`
	Line1      string `dynamodbav:"line1"`
	Line2      string `dynamodbav:"line2,omitempty"`
	City       string `dynamodbav:"city"`
	PostalCode string `dynamodbav:"postalCode"`
	Country    string `dynamodbav:"country"`
}

// orderRow is an order's header item. Its GSI1 keys put it, and only it,
// in the customer's newest-first order index.
type orderRow struct {
	PK        string     `dynamodbav:"PK"`
	SK        string     `dynamodbav:"SK"`
	GSI1PK    string     `dynamodbav:"GSI1PK"`
	GSI1SK    string     `dynamodbav:"GSI1SK"`
	Type      string     `dynamodbav:"type"`
	ID        string     `dynamodbav:"orderId"`
	Customer  string     `dynamodbav:"customerId"`
	Amount    int64      `dynamodbav:"totalAmount"`
	Currency  string     `dynamodbav:"currency"`
	Items     int        `dynamodbav:"itemCount"`
	LineCount int        `dynamodbav:"lineCount"`
	Shipping  addressRow `dynamodbav:"shippingAddress"`
	Status    string     `dynamodbav:"status"`
	// Why a cancelled order was cancelled: absent until it is, and on
	// orders cancelled before orders recorded it.
	CancelReason string `dynamodbav:"cancelReason,omitempty"` // customer or stock_rejected
	StockReason  string `dynamodbav:"stockReason,omitempty"`  // catalog's, with stock_rejected
	PlacedAt     string `dynamodbav:"placedAt"`
	UpdatedAt    string `dynamodbav:"updatedAt"`
	Version      int    `dynamodbav:"version"`
}

type orderLineRow struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"type"`
	OrderID string `dynamodbav:"orderId"`
	lineRow
}

type idempotencyRow struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"type"`
	Customer    string `dynamodbav:"customerId"`
	Key         string `dynamodbav:"idempotencyKey"`
	RequestHash string `dynamodbav:"requestHash"`
	State       string `dynamodbav:"state"`
	Token       string `dynamodbav:"token,omitempty"`
	LockedUntil int64  `dynamodbav:"lockedUntil,omitempty"` // epoch milliseconds
	ExpiresAt   int64  `dynamodbav:"expiresAt"`             // TTL, epoch seconds
	Status      int    `dynamodbav:"responseStatus,omitempty"`
	Body        []byte `dynamodbav:"responseBody,omitempty"`
	OrderID     string `dynamodbav:"orderId,omitempty"`
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

func toLineRows(lines []orders.Line) []lineRow {
	var rows []lineRow // nil when empty, so omitempty omits it
	for _, l := range lines {
		rows = append(rows, lineRow{ProductID: l.ProductID, Name: l.Name, Amount: l.UnitPrice.Amount, Currency: l.UnitPrice.Currency, Quantity: l.Quantity})
	}
	return rows
}

func fromLineRow(r lineRow) orders.Line {
	return orders.Line{ProductID: r.ProductID, Name: r.Name, UnitPrice: orders.Money{Amount: r.Amount, Currency: r.Currency}, Quantity: r.Quantity}
}

func toCartRow(c orders.Cart) cartRow {
	return cartRow{
		PK: customerPK(c.CustomerID), SK: cartSK, Type: typeCart, Customer: c.CustomerID,
		Lines: toLineRows(c.Lines), Version: c.Version, UpdatedAt: formatTime(c.UpdatedAt),
		ExpiresAt: c.UpdatedAt.Add(orders.CartLifetime).Unix(),
	}
}

func fromCartRow(r cartRow) (orders.Cart, error) {
	updated, err := parseTime(r.UpdatedAt)
	if err != nil {
		return orders.Cart{}, fmt.Errorf("cart of %s: %w", r.Customer, err)
	}
	c := orders.Cart{CustomerID: r.Customer, Version: r.Version, UpdatedAt: updated}
	for _, l := range r.Lines {
		c.Lines = append(c.Lines, fromLineRow(l))
	}
	return c, nil
}

func toOrderRows(o orders.Order) (orderRow, []orderLineRow) {
	s := o.Summary()
	header := orderRow{
		PK: customerPK(o.CustomerID), SK: orderSK(o.ID), GSI1PK: customerPK(o.CustomerID), GSI1SK: orderSK(o.ID),
		Type: typeOrder, ID: o.ID, Customer: o.CustomerID, Amount: o.Total.Amount, Currency: o.Total.Currency,
		Items: s.Items, LineCount: len(o.Lines), Shipping: addressRow(o.Shipping), Status: string(o.Status),
		CancelReason: string(o.Cancellation.Reason), StockReason: string(o.Cancellation.Stock),
		PlacedAt: formatTime(o.PlacedAt), UpdatedAt: formatTime(o.UpdatedAt), Version: o.Version,
	}
	lines := make([]orderLineRow, len(o.Lines))
	for i, r := range toLineRows(o.Lines) {
		lines[i] = orderLineRow{PK: header.PK, SK: orderLineSK(o.ID, i+1), Type: typeOrderLine, OrderID: o.ID, lineRow: r}
	}
	return header, lines
}

func fromOrderRow(r orderRow) (orders.Order, error) {
	placed, err := parseTime(r.PlacedAt)
	if err != nil {
		return orders.Order{}, fmt.Errorf("order %s: %w", r.ID, err)
	}
	updated, err := parseTime(r.UpdatedAt)
	if err != nil {
		return orders.Order{}, fmt.Errorf("order %s: %w", r.ID, err)
	}
	return orders.Order{
		ID: r.ID, CustomerID: r.Customer, Total: orders.Money{Amount: r.Amount, Currency: r.Currency},
		Shipping: orders.Address(r.Shipping), Status: orders.Status(r.Status),
		Cancellation: orders.Cancellation{Reason: orders.CancelReason(r.CancelReason), Stock: orders.StockReason(r.StockReason)},
		PlacedAt:     placed, UpdatedAt: updated, Version: r.Version,
	}, nil
}

func fromOrderRowSummary(r orderRow) (orders.Summary, error) {
	o, err := fromOrderRow(r)
	if err != nil {
		return orders.Summary{}, err
	}
	s := o.Summary()
	s.Items = r.Items
	return s, nil
}

// productRow is a product of the projection, from catalog's events.
type productRow struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"type"`
	ID        string `dynamodbav:"productId"`
	Name      string `dynamodbav:"name"`
	Amount    int64  `dynamodbav:"unitAmount"`
	Currency  string `dynamodbav:"currency"`
	Status    string `dynamodbav:"status"` // active or archived
	Version   int    `dynamodbav:"version"`
	EventID   string `dynamodbav:"eventId"` // of the event that wrote it
	UpdatedAt string `dynamodbav:"updatedAt"`
}

func toProductRow(p orders.Product, eventID string, at time.Time) productRow {
	status := "archived"
	if p.Active {
		status = "active"
	}
	return productRow{PK: productPK(p.ID), SK: productSK, Type: typeProduct, ID: p.ID, Name: p.Name,
		Amount: p.Price.Amount, Currency: p.Price.Currency, Status: status, Version: p.Version,
		EventID: eventID, UpdatedAt: formatTime(at)}
}

func fromProductRow(r productRow) orders.Product {
	return orders.Product{ID: r.ID, Name: r.Name, Price: orders.Money{Amount: r.Amount, Currency: r.Currency},
		Active: r.Status == "active", Version: r.Version}
}

// processedRow records that an event was processed, written with its
// effect; DynamoDB deletes it after orders.ProcessedRetention (TTL).
type processedRow struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"type"`
	EventID   string `dynamodbav:"eventId"`
	At        string `dynamodbav:"processedAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"` // TTL, epoch seconds
}

// outboxRow is an event in the outbox, until the relay has published it.
// It has no TTL: an event leaves the outbox only once published.
type outboxRow struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"` // the event's ID, a UUIDv7: sorts by the time it was made
	Type     string `dynamodbav:"type"`
	Event    string `dynamodbav:"eventType"`
	Envelope []byte `dynamodbav:"envelope"` // the event's JSON, as published
}
