package orders_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

const orderID = "01959ad0-0000-7000-8000-000000000001"

func checkOrder(t *testing.T, got, want orders.Order) {
	t.Helper()
	if !slices.Equal(got.Lines, want.Lines) {
		t.Errorf("order lines are\n%+v\nwant\n%+v", got.Lines, want.Lines)
	}
	type header struct {
		ID, CustomerID      string
		Total               orders.Money
		Shipping            orders.Address
		Status              orders.Status
		Cancellation        orders.Cancellation
		PlacedAt, UpdatedAt time.Time
		Version             int
	}
	g := header{got.ID, got.CustomerID, got.Total, got.Shipping, got.Status, got.Cancellation, got.PlacedAt, got.UpdatedAt, got.Version}
	w := header{want.ID, want.CustomerID, want.Total, want.Shipping, want.Status, want.Cancellation, want.PlacedAt, want.UpdatedAt, want.Version}
	if g != w {
		t.Errorf("order is\n%+v\nwant\n%+v", g, w)
	}
}

// mustOrder returns a pending order of alice's for a mug and two pens.
func mustOrder(t *testing.T) orders.Order {
	t.Helper()
	o, err := orders.NewOrder(orderID, "alice", []orders.Line{lineOf(mug, 1), lineOf(pen, 2)}, validAddress(), now)
	if err != nil {
		t.Fatalf("NewOrder: %v", err)
	}
	return o
}

func TestNewOrder(t *testing.T) {
	tests := []struct {
		name  string
		lines []orders.Line
		total orders.Money
	}{
		{"one line", []orders.Line{lineOf(mug, 1)}, eur(1250)},
		{"several lines", []orders.Line{lineOf(mug, 2), lineOf(pen, 3), lineOf(lamp, 1)}, eur(2*1250 + 3*199 + 4999)},
		{
			"another currency",
			[]orders.Line{
				{ProductID: "mug", Name: "Mug", UnitPrice: orders.Money{Amount: 1000, Currency: "USD"}, Quantity: 2},
				{ProductID: "pen", Name: "Pen", UnitPrice: orders.Money{Amount: 150, Currency: "USD"}, Quantity: 1},
			},
			orders.Money{Amount: 2150, Currency: "USD"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := orders.NewOrder(orderID, "alice", tt.lines, validAddress(), now)
			if err != nil {
				t.Fatalf("NewOrder: %v", err)
			}
			checkOrder(t, got, orders.Order{
				ID: orderID, CustomerID: "alice", Lines: tt.lines, Total: tt.total, Shipping: validAddress(),
				Status: orders.StatusPending, PlacedAt: now, UpdatedAt: now, Version: 1,
			})
		})
	}
}

func TestNewOrderFromCart(t *testing.T) {
	c := mustCart(t, lineOf(mug, 2), lineOf(pen, 1), lineOf(lamp, 3))
	cartTotal, _ := c.Total()
	shipping := validAddress()
	o, err := orders.NewOrder(orderID, c.CustomerID, c.Lines, shipping, now)
	if err != nil {
		t.Fatalf("NewOrder: %v", err)
	}
	if o.Total != cartTotal {
		t.Errorf("order total %+v, want the cart's %+v", o.Total, cartTotal)
	}
	want := slices.Clone(o.Lines)

	// The order is a snapshot: changing the cart or the address it was
	// made from afterwards leaves it as it was placed.
	later := now.Add(time.Hour)
	if err := c.SetItem(product("mug", 9999), 5, later); err != nil {
		t.Fatalf("SetItem: %v", err)
	}
	c.RemoveItem("pen", later)
	shipping.City = "Paris"
	if !slices.Equal(o.Lines, want) {
		t.Errorf("after the cart changed, order lines are\n%+v\nwant\n%+v", o.Lines, want)
	}
	if o.Shipping != validAddress() {
		t.Errorf("after the address changed, order ships to %+v, want %+v", o.Shipping, validAddress())
	}
}

func TestNewOrderRefused(t *testing.T) {
	tests := []struct {
		name  string
		lines []orders.Line
		want  error
	}{
		{"no lines", nil, orders.ErrEmptyCart},
		{"empty lines", []orders.Line{}, orders.ErrEmptyCart},
		{
			"two currencies",
			[]orders.Line{lineOf(mug, 1), {ProductID: "pen", Name: "Pen", UnitPrice: orders.Money{Amount: 150, Currency: "USD"}, Quantity: 1}},
			orders.ErrCurrencyMismatch,
		},
		{
			"a later line in another currency",
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 1), {ProductID: "lamp", Name: "Lamp", UnitPrice: orders.Money{Amount: 150, Currency: "GBP"}, Quantity: 1}},
			orders.ErrCurrencyMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := orders.NewOrder(orderID, "alice", tt.lines, validAddress(), now)
			if !errors.Is(err, tt.want) {
				t.Errorf("NewOrder: got %v, want %v", err, tt.want)
			}
			if o.ID != "" || o.Version != 0 {
				t.Errorf("NewOrder returned %+v with its error, want the zero Order", o)
			}
		})
	}
}

func TestOrderSummary(t *testing.T) {
	o := mustOrder(t)
	want := orders.Summary{
		ID: orderID, Total: eur(1250 + 2*199), Items: 3, Status: orders.StatusPending, PlacedAt: now, UpdatedAt: now,
	}
	if got := o.Summary(); got != want {
		t.Errorf("Summary() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestCancelledOrderSummary(t *testing.T) {
	o := mustOrder(t)
	if err := o.Cancel(orders.StockRejected(orders.StockProductUnavailable), now); err != nil {
		t.Fatal(err)
	}
	if got := o.Summary(); got.Cancellation != orders.StockRejected(orders.StockProductUnavailable) || got.Status != orders.StatusCancelled {
		t.Errorf("Summary() = %+v, want cancelled, product unavailable", got)
	}
}

func TestOrderCancel(t *testing.T) {
	later := now.Add(time.Hour)
	tests := []struct {
		name   string
		status orders.Status
		c      orders.Cancellation
		want   error // nil when the order is cancelled
	}{
		{"pending, by its customer", orders.StatusPending, orders.ByCustomer(), nil},
		{"confirmed, by its customer", orders.StatusConfirmed, orders.ByCustomer(), nil},
		{"pending, stock rejected", orders.StatusPending, orders.StockRejected(orders.StockInsufficient), nil},
		{"already cancelled", orders.StatusCancelled, orders.ByCustomer(), orders.ErrNotCancellable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustOrder(t)
			o.Status = tt.status
			want := o
			if tt.want == nil {
				want.Status, want.Cancellation, want.UpdatedAt, want.Version = orders.StatusCancelled, tt.c, later, o.Version+1
			}
			err := o.Cancel(tt.c, later)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Cancel: got %v, want %v", err, tt.want)
			}
			checkOrder(t, o, want)
		})
	}
}

func TestOrderCancelRefusesInvalidCancellation(t *testing.T) {
	for _, c := range []orders.Cancellation{
		{},
		{Reason: "bored"},
		{Reason: orders.CancelledByCustomer, Stock: orders.StockInsufficient},
		{Reason: orders.CancelledNoStock, Stock: "out_of_mugs"},
	} {
		o := mustOrder(t)
		want := o
		if err := o.Cancel(c, now.Add(time.Hour)); err == nil || errors.Is(err, orders.ErrNotCancellable) {
			t.Errorf("Cancel(%+v) = %v, want an error about the cancellation", c, err)
		}
		checkOrder(t, o, want)
	}
}

func TestStockRejected(t *testing.T) {
	for _, tt := range []struct {
		reason orders.StockReason
		want   orders.Cancellation
	}{
		{"insufficient_stock", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockInsufficient}},
		{"product_unavailable", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockProductUnavailable}},
		{"unknown_product", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockUnknownProduct}},
		{"", orders.Cancellation{Reason: orders.CancelledNoStock}},
		{"sold_out_forever", orders.Cancellation{Reason: orders.CancelledNoStock}},
	} {
		if got := orders.StockRejected(tt.reason); got != tt.want {
			t.Errorf("StockRejected(%q) = %+v, want %+v", tt.reason, got, tt.want)
		}
	}
	if got := orders.ByCustomer(); got != (orders.Cancellation{Reason: orders.CancelledByCustomer}) || got.IsZero() {
		t.Errorf("ByCustomer() = %+v", got)
	}
}

func TestOrderCancelTwice(t *testing.T) {
	o := mustOrder(t)
	if err := o.Cancel(orders.StockRejected(orders.StockInsufficient), now.Add(time.Minute)); err != nil {
		t.Fatalf("first Cancel: %v", err)
	}
	if err := o.Cancel(orders.ByCustomer(), now.Add(time.Hour)); !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("second Cancel: got %v, want %v", err, orders.ErrNotCancellable)
	}
	if o.Version != 2 || !o.UpdatedAt.Equal(now.Add(time.Minute)) || o.PlacedAt != now || o.Cancellation != orders.StockRejected(orders.StockInsufficient) {
		t.Errorf("after two cancels: version %d, updated %v, placed %v, cancelled %+v; want 2, %v, %v, for insufficient stock",
			o.Version, o.UpdatedAt, o.PlacedAt, o.Cancellation, now.Add(time.Minute), now)
	}
}

func TestOrderConfirm(t *testing.T) {
	later := now.Add(time.Hour)
	for _, tt := range []struct {
		status orders.Status
		want   error // nil when the order is confirmed
	}{
		{orders.StatusPending, nil},
		{orders.StatusConfirmed, orders.ErrNotPending},
		{orders.StatusCancelled, orders.ErrNotPending},
	} {
		t.Run(string(tt.status), func(t *testing.T) {
			o := mustOrder(t)
			o.Status = tt.status
			want := o
			if tt.want == nil {
				want.Status, want.UpdatedAt, want.Version = orders.StatusConfirmed, later, o.Version+1
			}
			if err := o.Confirm(later); !errors.Is(err, tt.want) {
				t.Fatalf("Confirm: got %v, want %v", err, tt.want)
			}
			checkOrder(t, o, want)
		})
	}
}
