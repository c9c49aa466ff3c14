package orders_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

var (
	mug  = product("mug", 1250)
	pen  = product("pen", 199)
	lamp = product("lamp", 4999)
)

// mustCart returns a cart of alice's with lines, each set a minute after
// the previous one, starting at now.
func mustCart(t *testing.T, lines ...orders.Line) orders.Cart {
	t.Helper()
	c := orders.EmptyCart("alice")
	for i, l := range lines {
		p := orders.Product{ID: l.ProductID, Name: l.Name, Price: l.UnitPrice, Active: true}
		if err := c.SetItem(p, l.Quantity, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatalf("SetItem(%s, %d): %v", l.ProductID, l.Quantity, err)
		}
	}
	return c
}

// fullCart returns a cart holding MaxCartLines products.
func fullCart(t *testing.T) orders.Cart {
	t.Helper()
	lines := make([]orders.Line, orders.MaxCartLines)
	for i := range lines {
		lines[i] = lineOf(product(fmt.Sprintf("p%d", i), 100), 1)
	}
	return mustCart(t, lines...)
}

// cloneCart returns a deep copy of c, so that changes to c do not change it.
func cloneCart(c orders.Cart) orders.Cart {
	c.Lines = slices.Clone(c.Lines)
	return c
}

func checkCart(t *testing.T, got, want orders.Cart) {
	t.Helper()
	if got.CustomerID != want.CustomerID || got.Version != want.Version || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("cart is %s at version %d updated %v, want %s at version %d updated %v",
			got.CustomerID, got.Version, got.UpdatedAt, want.CustomerID, want.Version, want.UpdatedAt)
	}
	if !slices.Equal(got.Lines, want.Lines) {
		t.Errorf("cart lines are\n%+v\nwant\n%+v", got.Lines, want.Lines)
	}
}

func TestEmptyCart(t *testing.T) {
	c := orders.EmptyCart("alice")
	checkCart(t, c, orders.Cart{CustomerID: "alice"})
	if total, ok := c.Total(); ok || total != (orders.Money{}) {
		t.Errorf("Total() = %+v, %t; want the zero Money and false", total, ok)
	}
	if c.Expired(now.Add(100 * orders.CartLifetime)) {
		t.Errorf("an empty cart never stored is expired, want it never to expire")
	}
}

func TestCartSetItem(t *testing.T) {
	later := now.Add(time.Hour)
	tests := []struct {
		name     string
		cart     []orders.Line
		product  orders.Product
		quantity int
		want     []orders.Line
	}{
		{"first product", nil, mug, 2, []orders.Line{lineOf(mug, 2)}},
		{"quantity 1", nil, mug, 1, []orders.Line{lineOf(mug, 1)}},
		{"quantity 99", nil, mug, orders.MaxQuantity, []orders.Line{lineOf(mug, orders.MaxQuantity)}},
		{
			"another product goes last",
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 3)}, lamp, 1,
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 3), lineOf(lamp, 1)},
		},
		{
			"changing the quantity keeps the product's place",
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 3), lineOf(lamp, 1)}, pen, 7,
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 7), lineOf(lamp, 1)},
		},
		{
			"lowering the quantity",
			[]orders.Line{lineOf(mug, 5)}, mug, 1,
			[]orders.Line{lineOf(mug, 1)},
		},
		{
			"setting the same quantity",
			[]orders.Line{lineOf(mug, 5)}, mug, 5,
			[]orders.Line{lineOf(mug, 5)},
		},
		{
			"refreshes the name and price",
			[]orders.Line{lineOf(mug, 1), lineOf(pen, 3)},
			orders.Product{ID: "mug", Name: "The big mug", Price: eur(1500), Active: true}, 2,
			[]orders.Line{{ProductID: "mug", Name: "The big mug", UnitPrice: eur(1500), Quantity: 2}, lineOf(pen, 3)},
		},
		{
			"the only product may change currency",
			[]orders.Line{lineOf(mug, 1)},
			orders.Product{ID: "mug", Name: "The mug", Price: orders.Money{Amount: 1100, Currency: "GBP"}, Active: true}, 1,
			[]orders.Line{{ProductID: "mug", Name: "The mug", UnitPrice: orders.Money{Amount: 1100, Currency: "GBP"}, Quantity: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCart(t, tt.cart...)
			before := c.Version
			if err := c.SetItem(tt.product, tt.quantity, later); err != nil {
				t.Fatalf("SetItem: %v", err)
			}
			checkCart(t, c, orders.Cart{CustomerID: "alice", Lines: tt.want, Version: before + 1, UpdatedAt: later})
		})
	}
}

func TestCartSetItemInFullCart(t *testing.T) {
	c := fullCart(t)
	p := product("p7", 300)
	if err := c.SetItem(p, 4, now.Add(time.Hour)); err != nil {
		t.Fatalf("SetItem of a product already in a full cart: %v", err)
	}
	if got, want := len(c.Lines), orders.MaxCartLines; got != want {
		t.Errorf("the cart has %d lines, want %d", got, want)
	}
	if got, want := c.Lines[7], lineOf(p, 4); got != want {
		t.Errorf("line 7 is %+v, want %+v", got, want)
	}
}

func TestCartSetItemRefused(t *testing.T) {
	archived := mug
	archived.Active = false
	dollars := orders.Product{ID: "lamp", Name: "The lamp", Price: orders.Money{Amount: 5999, Currency: "USD"}, Active: true}
	tests := []struct {
		name     string
		cart     func(*testing.T) orders.Cart
		product  orders.Product
		quantity int
		want     error
	}{
		{"quantity 0", emptyCart, mug, 0, orders.ErrInvalid},
		{"negative quantity", emptyCart, mug, -1, orders.ErrInvalid},
		{"quantity 100", emptyCart, mug, orders.MaxQuantity + 1, orders.ErrInvalid},
		{"quantity 0 of a product in the cart", cartOf(lineOf(mug, 2)), mug, 0, orders.ErrInvalid},
		{"archived product", emptyCart, archived, 1, orders.ErrProductUnavailable},
		{"archived product in the cart", cartOf(lineOf(mug, 2)), archived, 3, orders.ErrProductUnavailable},
		{"another currency", cartOf(lineOf(mug, 2)), dollars, 1, orders.ErrCurrencyMismatch},
		{
			"a product in the cart changing to another currency",
			cartOf(lineOf(mug, 2), lineOf(pen, 1)),
			orders.Product{ID: "pen", Name: "The pen", Price: orders.Money{Amount: 199, Currency: "USD"}, Active: true}, 1,
			orders.ErrCurrencyMismatch,
		},
		{"51st product", fullCart, lamp, 1, orders.ErrCartFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cart(t)
			want := cloneCart(c)
			err := c.SetItem(tt.product, tt.quantity, now.Add(time.Hour))
			if !errors.Is(err, tt.want) {
				t.Fatalf("SetItem: got %v, want %v", err, tt.want)
			}
			if errors.Is(tt.want, orders.ErrInvalid) {
				checkInvalid(t, err, []string{"quantity"})
			}
			checkCart(t, c, want)
		})
	}
}

func emptyCart(*testing.T) orders.Cart { return orders.EmptyCart("alice") }

func cartOf(lines ...orders.Line) func(*testing.T) orders.Cart {
	return func(t *testing.T) orders.Cart { return mustCart(t, lines...) }
}

func TestCartRemoveItem(t *testing.T) {
	later := now.Add(time.Hour)
	tests := []struct {
		name    string
		cart    []orders.Line
		remove  string
		want    []orders.Line
		changed bool // whether the version and time move
	}{
		{"the only product", []orders.Line{lineOf(mug, 2)}, "mug", nil, true},
		{
			"the first product",
			[]orders.Line{lineOf(mug, 2), lineOf(pen, 1), lineOf(lamp, 1)}, "mug",
			[]orders.Line{lineOf(pen, 1), lineOf(lamp, 1)}, true,
		},
		{
			"a middle product keeps the others in order",
			[]orders.Line{lineOf(mug, 2), lineOf(pen, 1), lineOf(lamp, 1)}, "pen",
			[]orders.Line{lineOf(mug, 2), lineOf(lamp, 1)}, true,
		},
		{
			"the last product",
			[]orders.Line{lineOf(mug, 2), lineOf(pen, 1), lineOf(lamp, 1)}, "lamp",
			[]orders.Line{lineOf(mug, 2), lineOf(pen, 1)}, true,
		},
		{"a product not in the cart", []orders.Line{lineOf(mug, 2)}, "pen", []orders.Line{lineOf(mug, 2)}, false},
		{"from an empty cart", nil, "mug", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCart(t, tt.cart...)
			want := orders.Cart{CustomerID: "alice", Lines: tt.want, Version: c.Version, UpdatedAt: c.UpdatedAt}
			if tt.changed {
				want.Version, want.UpdatedAt = c.Version+1, later
			}
			c.RemoveItem(tt.remove, later)
			checkCart(t, c, want)
		})
	}
}

func TestCartRemoveThenAddGoesLast(t *testing.T) {
	c := mustCart(t, lineOf(mug, 1), lineOf(pen, 1))
	c.RemoveItem("mug", now.Add(time.Hour))
	if err := c.SetItem(mug, 3, now.Add(2*time.Hour)); err != nil {
		t.Fatalf("SetItem: %v", err)
	}
	if got, want := c.Lines, []orders.Line{lineOf(pen, 1), lineOf(mug, 3)}; !slices.Equal(got, want) {
		t.Errorf("lines are %+v, want %+v", got, want)
	}
	if got, want := c.Version, 4; got != want {
		t.Errorf("version %d, want %d", got, want)
	}
}

func TestCartExpired(t *testing.T) {
	stored := mustCart(t, lineOf(mug, 1)) // updated at now
	emptied := cloneCart(stored)
	emptied.RemoveItem("mug", now) // stored, but empty
	tests := []struct {
		name string
		cart orders.Cart
		at   time.Time
		want bool
	}{
		{"just changed", stored, now, false},
		{"after a day", stored, now.Add(24 * time.Hour), false},
		{"after 29 days", stored, now.Add(29 * 24 * time.Hour), false},
		{"after exactly 30 days", stored, now.Add(orders.CartLifetime), false},
		{"just after 30 days", stored, now.Add(orders.CartLifetime + time.Nanosecond), true},
		{"after 31 days", stored, now.Add(31 * 24 * time.Hour), true},
		{"emptied, after 31 days", emptied, now.Add(31 * 24 * time.Hour), true},
		{"never stored", orders.EmptyCart("alice"), now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cart.Expired(tt.at); got != tt.want {
				t.Errorf("Expired(UpdatedAt + %v) = %t, want %t", tt.at.Sub(tt.cart.UpdatedAt), got, tt.want)
			}
		})
	}
	if got, want := orders.CartLifetime, 30*24*time.Hour; got != want {
		t.Errorf("CartLifetime = %v, want %v", got, want)
	}
}

func TestCartTotal(t *testing.T) {
	tests := []struct {
		name  string
		lines []orders.Line
		want  orders.Money
	}{
		{"one unit", []orders.Line{lineOf(mug, 1)}, eur(1250)},
		{"several units", []orders.Line{lineOf(mug, 3)}, eur(3750)},
		{"several lines", []orders.Line{lineOf(mug, 3), lineOf(pen, 2), lineOf(lamp, 1)}, eur(3*1250 + 2*199 + 4999)},
		{"free product", []orders.Line{lineOf(product("sticker", 0), 5), lineOf(pen, 1)}, eur(199)},
		{
			"in the cart's currency",
			[]orders.Line{{ProductID: "mug", Name: "Mug", UnitPrice: orders.Money{Amount: 900, Currency: "GBP"}, Quantity: 2}},
			orders.Money{Amount: 1800, Currency: "GBP"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := mustCart(t, tt.lines...).Total()
			if !ok || got != tt.want {
				t.Errorf("Total() = %+v, %t; want %+v, true", got, ok, tt.want)
			}
		})
	}
}

func TestLineSubtotal(t *testing.T) {
	tests := []struct {
		name string
		line orders.Line
		want orders.Money
	}{
		{"one unit", lineOf(mug, 1), eur(1250)},
		{"99 units", lineOf(mug, 99), eur(99 * 1250)},
		{"free", lineOf(product("sticker", 0), 10), eur(0)},
		{"in the line's currency", orders.Line{UnitPrice: orders.Money{Amount: 5, Currency: "JPY"}, Quantity: 3}, orders.Money{Amount: 15, Currency: "JPY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.line.Subtotal(); got != tt.want {
				t.Errorf("Subtotal() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCartLimits(t *testing.T) {
	if got, want := orders.MaxQuantity, 99; got != want {
		t.Errorf("MaxQuantity = %d, want %d", got, want)
	}
	if got, want := orders.MaxCartLines, 50; got != want {
		t.Errorf("MaxCartLines = %d, want %d", got, want)
	}
}
