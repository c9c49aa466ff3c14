package httpapi

import (
	"time"

	"example.com/quartet/packages/page"
	"example.com/quartet/services/orders/internal/orders"
)

// Requests. Pointers tell a missing member from a zero one.

type setCartItemRequest struct {
	Quantity *int `json:"quantity"`
}

type placeOrderRequest struct {
	ShippingAddress *addressDTO `json:"shippingAddress"`
}

type addressDTO struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

func (a addressDTO) toAddress() orders.Address { return orders.Address(a) }

// Responses.

type moneyDTO struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type lineDTO struct {
	ProductID string   `json:"productId"`
	Name      string   `json:"name"`
	UnitPrice moneyDTO `json:"unitPrice"`
	Quantity  int      `json:"quantity"`
	Subtotal  moneyDTO `json:"subtotal"`
}

type cartResponse struct {
	Items     []lineDTO  `json:"items"`
	Total     *moneyDTO  `json:"total,omitempty"` // absent for an empty cart
	Version   int        `json:"version"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"` // absent for a cart never changed
}

// cancellationDTO is why an order was cancelled: reason is customer or
// stock_rejected (OrderCancelled's reason), stockReason catalog's reason
// with stock_rejected, when it gave one orders knows.
type cancellationDTO struct {
	Reason      string `json:"reason"`
	StockReason string `json:"stockReason,omitempty"`
}

// toCancellation returns c's DTO, or nil for no cancellation (an order
// not cancelled, or cancelled before orders recorded why).
func toCancellation(c orders.Cancellation) *cancellationDTO {
	if c.IsZero() {
		return nil
	}
	return &cancellationDTO{Reason: string(c.Reason), StockReason: string(c.Stock)}
}

type orderResponse struct {
	ID              string           `json:"id"`
	Status          string           `json:"status"`
	Cancellation    *cancellationDTO `json:"cancellation,omitempty"`
	Items           []lineDTO        `json:"items"`
	Total           moneyDTO         `json:"total"`
	ShippingAddress addressDTO       `json:"shippingAddress"`
	PlacedAt        time.Time        `json:"placedAt"`
	UpdatedAt       time.Time        `json:"updatedAt"`
	Version         int              `json:"version"`
}

type orderSummaryDTO struct {
	ID           string           `json:"id"`
	Status       string           `json:"status"`
	Cancellation *cancellationDTO `json:"cancellation,omitempty"`
	Total        moneyDTO         `json:"total"`
	ItemCount    int              `json:"itemCount"`
	PlacedAt     time.Time        `json:"placedAt"`
	UpdatedAt    time.Time        `json:"updatedAt"`
}

type orderPageResponse struct {
	Items      []orderSummaryDTO `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

func toMoney(m orders.Money) moneyDTO { return moneyDTO(m) }

func toLines(lines []orders.Line) []lineDTO {
	out := make([]lineDTO, len(lines))
	for i, l := range lines {
		out[i] = lineDTO{ProductID: l.ProductID, Name: l.Name, UnitPrice: toMoney(l.UnitPrice), Quantity: l.Quantity, Subtotal: toMoney(l.Subtotal())}
	}
	return out
}

func toCartResponse(c orders.Cart) cartResponse {
	res := cartResponse{Items: toLines(c.Lines), Version: c.Version}
	if t, ok := c.Total(); ok {
		m := toMoney(t)
		res.Total = &m
	}
	if c.Version > 0 {
		res.UpdatedAt = &c.UpdatedAt
	}
	return res
}

func toOrderResponse(o orders.Order) orderResponse {
	return orderResponse{
		ID: o.ID, Status: string(o.Status), Cancellation: toCancellation(o.Cancellation), Items: toLines(o.Lines), Total: toMoney(o.Total),
		ShippingAddress: addressDTO(o.Shipping), PlacedAt: o.PlacedAt, UpdatedAt: o.UpdatedAt, Version: o.Version,
	}
}

func toOrderPageResponse(p orders.Page) orderPageResponse {
	res := orderPageResponse{Items: make([]orderSummaryDTO, len(p.Orders))}
	for i, s := range p.Orders {
		res.Items[i] = orderSummaryDTO{ID: s.ID, Status: string(s.Status), Cancellation: toCancellation(s.Cancellation),
			Total: toMoney(s.Total), ItemCount: s.Items, PlacedAt: s.PlacedAt, UpdatedAt: s.UpdatedAt}
	}
	if p.Next != "" {
		res.NextCursor = page.Cursor([]byte(p.Next))
	}
	return res
}
