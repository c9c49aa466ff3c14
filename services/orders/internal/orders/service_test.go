package orders_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/orders/internal/memory"
	"example.com/quartet/services/orders/internal/orders"
)

// catalog feeds the service's products projection through its event
// handler, as catalog's events do: every set is a newer version of the
// product. It is safe for concurrent use.
type catalog struct {
	t        *testing.T
	svc      *orders.Service
	mu       sync.Mutex
	versions map[string]int
}

// set announces p, as a new product or a new version of it.
func (c *catalog) set(p orders.Product) {
	c.t.Helper()
	c.mu.Lock()
	c.versions[p.ID]++
	version := c.versions[p.ID]
	c.mu.Unlock()
	typ, status := orders.TypeProductChanged, "active"
	if version == 1 {
		typ = orders.TypeProductCreated
	}
	if !p.Active {
		typ, status = orders.TypeProductArchived, "archived"
	}
	e, err := event.New(c.t.Context(), "catalog", typ, p.ID, 1, map[string]any{
		"productId": p.ID, "name": p.Name, "status": status, "version": version,
		"price": map[string]any{"amount": p.Price.Amount, "currency": p.Price.Currency},
	}, time.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.svc.HandleEvent(c.t.Context(), e); err != nil {
		c.t.Fatalf("HandleEvent(%s %s): %v", typ, p.ID, err)
	}
}

type fixture struct {
	svc     *orders.Service
	store   *memory.Store
	catalog *catalog
}

var (
	old = orders.Product{ID: "old", Name: "The old", Price: eur(500), Active: false}
	// kettle is never announced by the fixture: a cart holding it was
	// filled when the projection knew it (or holds a stale copy).
	kettle = product("kettle", 700)
)

// newFixture returns a Service on an empty memory store, whose products
// projection has mug, pen and lamp, sold, and old, archived.
func newFixture(t *testing.T) fixture {
	t.Helper()
	store := memory.NewStore()
	svc := orders.NewService(store)
	cat := &catalog{t: t, svc: svc, versions: map[string]int{}}
	for _, p := range []orders.Product{mug, pen, lamp, old} {
		cat.set(p)
	}
	return fixture{svc: svc, store: store, catalog: cat}
}

func (f fixture) mustSetCartItem(t *testing.T, customer, productID string, quantity int) orders.Cart {
	t.Helper()
	c, err := f.svc.SetCartItem(t.Context(), customer, productID, quantity)
	if err != nil {
		t.Fatalf("SetCartItem(%s, %s, %d): %v", customer, productID, quantity, err)
	}
	return c
}

func (f fixture) mustCart(t *testing.T, customer string) orders.Cart {
	t.Helper()
	c, err := f.svc.Cart(t.Context(), customer)
	if err != nil {
		t.Fatalf("Cart(%s): %v", customer, err)
	}
	return c
}

// mustStaleCart stores a cart of customer's holding lines, last changed at.
func (f fixture) mustStaleCart(t *testing.T, customer string, at time.Time, lines ...orders.Line) orders.Cart {
	t.Helper()
	var c orders.Cart
	for _, l := range lines {
		p := orders.Product{ID: l.ProductID, Name: l.Name, Price: l.UnitPrice, Active: true}
		var err error
		c, err = f.store.UpdateCart(t.Context(), customer, func(c *orders.Cart) error { return c.SetItem(p, l.Quantity, at) })
		if err != nil {
			t.Fatalf("UpdateCart: %v", err)
		}
	}
	return c
}

func (f fixture) mustOrders(t *testing.T, customer string) []orders.Summary {
	t.Helper()
	page, err := f.svc.Orders(t.Context(), orders.Query{CustomerID: customer, Limit: orders.MaxLimit})
	if err != nil {
		t.Fatalf("Orders(%s): %v", customer, err)
	}
	return page.Orders
}

// recorder is a PlaceOrder respond function that renders an order as its
// ID and remembers every order it rendered.
type recorder struct {
	mu     sync.Mutex
	orders []orders.Order
	err    error // returned instead of a response when set
}

func (r *recorder) respond(o orders.Order) (orders.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return orders.Response{}, r.err
	}
	r.orders = append(r.orders, o)
	return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
}

func (r *recorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.orders)
}

func placeReq(customer, key, hash string) orders.PlaceOrder {
	return orders.PlaceOrder{CustomerID: customer, IdempotencyKey: key, RequestHash: hash, Shipping: validAddress()}
}

func (f fixture) mustPlace(t *testing.T, req orders.PlaceOrder, r *recorder) orders.Order {
	t.Helper()
	res, replayed, err := f.svc.PlaceOrder(t.Context(), req, r.respond)
	if err != nil || replayed {
		t.Fatalf("PlaceOrder(%s, %s) = replayed %t, %v; want a new order", req.CustomerID, req.IdempotencyKey, replayed, err)
	}
	o, err := f.svc.Order(t.Context(), req.CustomerID, string(res.Body))
	if err != nil {
		t.Fatalf("Order(%s) of the order placed: %v", res.Body, err)
	}
	return o
}

func TestServiceCart(t *testing.T) {
	f := newFixture(t)
	checkCart(t, f.mustCart(t, "alice"), orders.Cart{CustomerID: "alice"})

	f.mustSetCartItem(t, "alice", "mug", 2)
	got := f.mustSetCartItem(t, "alice", "pen", 1)
	if got.Version != 2 || !slices.Equal(got.Lines, []orders.Line{lineOf(mug, 2), lineOf(pen, 1)}) {
		t.Errorf("SetCartItem = version %d lines %+v, want version 2 with a mug and a pen", got.Version, got.Lines)
	}
	checkCart(t, f.mustCart(t, "alice"), got)
	checkCart(t, f.mustCart(t, "bob"), orders.Cart{CustomerID: "bob"})
}

func TestServiceSetCartItemUsesCatalog(t *testing.T) {
	f := newFixture(t)
	before := time.Now().UTC().Truncate(time.Millisecond)
	c := f.mustSetCartItem(t, "alice", "mug", 2)
	after := time.Now().UTC()
	if got, want := c.Lines, []orders.Line{lineOf(mug, 2)}; !slices.Equal(got, want) {
		t.Errorf("lines %+v, want %+v", got, want)
	}
	if c.UpdatedAt.Before(before) || c.UpdatedAt.After(after) || c.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdatedAt = %v, want a UTC time between %v and %v", c.UpdatedAt, before, after)
	}

	renamed := orders.Product{ID: "mug", Name: "The big mug", Price: eur(1500), Active: true}
	f.catalog.set(renamed)
	if got, want := f.mustCart(t, "alice").Lines, []orders.Line{lineOf(mug, 2)}; !slices.Equal(got, want) {
		t.Errorf("before the cart changes, lines %+v, want the price it was given %+v", got, want)
	}
	c = f.mustSetCartItem(t, "alice", "mug", 3)
	if got, want := c.Lines, []orders.Line{lineOf(renamed, 3)}; !slices.Equal(got, want) {
		t.Errorf("after setting the quantity again, lines %+v, want the catalog's current name and price %+v", got, want)
	}
}

func TestServiceSetCartItemRefused(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(t *testing.T, f fixture)
		productID string
		quantity  int
		want      error
	}{
		{"empty product ID", nil, "", 1, orders.ErrUnknownProduct},
		{"product ID with a slash", nil, "mug/../pen", 1, orders.ErrUnknownProduct},
		{"product ID of 65 characters", nil, strings.Repeat("p", 65), 1, orders.ErrUnknownProduct},
		{"unknown product", nil, "kettle", 1, orders.ErrUnknownProduct},
		{"archived product", nil, "old", 1, orders.ErrProductUnavailable},
		{"quantity 0", nil, "pen", 0, orders.ErrInvalid},
		{"quantity 100", nil, "pen", orders.MaxQuantity + 1, orders.ErrInvalid},
		{
			"product in another currency",
			func(_ *testing.T, f fixture) {
				f.catalog.set(orders.Product{ID: "pen", Name: "Pen", Price: orders.Money{Amount: 2, Currency: "USD"}, Active: true})
			},
			"pen", 1, orders.ErrCurrencyMismatch,
		},
		{
			"product archived since it was added",
			func(_ *testing.T, f fixture) {
				f.catalog.set(orders.Product{ID: "mug", Name: "The mug", Price: eur(1250)})
			},
			"mug", 5, orders.ErrProductUnavailable,
		},
		{
			"cart full",
			func(t *testing.T, f fixture) {
				for i := range orders.MaxCartLines - 1 {
					p := product(fmt.Sprintf("p%d", i), 100)
					f.catalog.set(p)
					f.mustSetCartItem(t, "alice", p.ID, 1)
				}
			},
			"pen", 1, orders.ErrCartFull,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSetCartItem(t, "alice", "mug", 2)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			want := f.mustCart(t, "alice") // reads no product

			c, err := f.svc.SetCartItem(t.Context(), "alice", tt.productID, tt.quantity)
			if !errors.Is(err, tt.want) {
				t.Fatalf("SetCartItem: got %v, want %v", err, tt.want)
			}
			if errors.Is(tt.want, orders.ErrInvalid) {
				checkInvalid(t, err, []string{"quantity"})
			}
			if c.Version != 0 || c.Lines != nil {
				t.Errorf("SetCartItem returned %+v with its error, want the zero Cart", c)
			}
			checkCart(t, f.mustCart(t, "alice"), want)
		})
	}
}

func TestServiceRemoveCartItem(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	f.mustSetCartItem(t, "alice", "pen", 1)
	before := f.mustSetCartItem(t, "alice", "lamp", 1)

	got, err := f.svc.RemoveCartItem(t.Context(), "alice", "pen")
	if err != nil {
		t.Fatalf("RemoveCartItem(pen): %v", err)
	}
	if got.Version != before.Version+1 || !slices.Equal(got.Lines, []orders.Line{lineOf(mug, 2), lineOf(lamp, 1)}) {
		t.Errorf("RemoveCartItem(pen) = version %d lines %+v, want version %d with the mug and the lamp",
			got.Version, got.Lines, before.Version+1)
	}
	checkCart(t, f.mustCart(t, "alice"), got)

	for _, id := range []string{"pen", "kettle", "not/an/id"} {
		again, err := f.svc.RemoveCartItem(t.Context(), "alice", id)
		if err != nil {
			t.Errorf("RemoveCartItem(%q) of a product not in the cart: %v", id, err)
		}
		checkCart(t, again, got)
	}
	checkCart(t, f.mustCart(t, "alice"), got)

	empty, err := f.svc.RemoveCartItem(t.Context(), "bob", "mug")
	if err != nil {
		t.Errorf("RemoveCartItem from a cart never stored: %v", err)
	}
	checkCart(t, empty, orders.Cart{CustomerID: "bob"})
}

func TestServiceExpiredCart(t *testing.T) {
	t.Run("fresh cart", func(t *testing.T) {
		f := newFixture(t)
		at := time.Now().UTC().Add(-orders.CartLifetime + time.Hour)
		stored := f.mustStaleCart(t, "alice", at, lineOf(mug, 2))
		checkCart(t, f.mustCart(t, "alice"), stored)
	})

	t.Run("read", func(t *testing.T) {
		f := newFixture(t)
		at := time.Now().UTC().Add(-orders.CartLifetime - time.Hour)
		stored := f.mustStaleCart(t, "alice", at, lineOf(mug, 2))
		got := f.mustCart(t, "alice")
		if len(got.Lines) != 0 || got.Version != stored.Version {
			t.Errorf("expired cart read as version %d lines %+v, want version %d with no lines", got.Version, got.Lines, stored.Version)
		}
	})

	t.Run("add", func(t *testing.T) {
		f := newFixture(t)
		at := time.Now().UTC().Add(-orders.CartLifetime - time.Hour)
		// The expired lines are dropped, so their currency does not count.
		stored := f.mustStaleCart(t, "alice", at,
			orders.Line{ProductID: "lamp", Name: "Lamp", UnitPrice: orders.Money{Amount: 10, Currency: "USD"}, Quantity: 1},
			orders.Line{ProductID: "mug", Name: "Mug", UnitPrice: orders.Money{Amount: 8, Currency: "USD"}, Quantity: 2})
		got := f.mustSetCartItem(t, "alice", "pen", 1)
		want := []orders.Line{lineOf(pen, 1)}
		if got.Version != stored.Version+1 || !slices.Equal(got.Lines, want) {
			t.Errorf("after adding to an expired cart: version %d lines %+v, want version %d lines %+v",
				got.Version, got.Lines, stored.Version+1, want)
		}
		checkCart(t, f.mustCart(t, "alice"), got)
	})

	t.Run("remove", func(t *testing.T) {
		f := newFixture(t)
		at := time.Now().UTC().Add(-orders.CartLifetime - time.Hour)
		stored := f.mustStaleCart(t, "alice", at, lineOf(mug, 2))
		got, err := f.svc.RemoveCartItem(t.Context(), "alice", "mug")
		if err != nil {
			t.Fatalf("RemoveCartItem: %v", err)
		}
		if len(got.Lines) != 0 || got.Version != stored.Version {
			t.Errorf("after removing from an expired cart: version %d lines %+v, want version %d with no lines",
				got.Version, got.Lines, stored.Version)
		}
	})

	t.Run("place", func(t *testing.T) {
		f := newFixture(t)
		at := time.Now().UTC().Add(-orders.CartLifetime - time.Hour)
		f.mustStaleCart(t, "alice", at, lineOf(mug, 2))
		var r recorder
		_, _, err := f.svc.PlaceOrder(t.Context(), placeReq("alice", "k1", "h1"), r.respond)
		if !errors.Is(err, orders.ErrEmptyCart) {
			t.Errorf("PlaceOrder from an expired cart: got %v, want %v", err, orders.ErrEmptyCart)
		}
		if got := f.mustOrders(t, "alice"); len(got) != 0 {
			t.Errorf("orders %+v, want none", got)
		}
	})
}

func TestServicePlaceOrder(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	cart := f.mustSetCartItem(t, "alice", "pen", 3)
	req := placeReq("alice", "k1", "h1")
	req.Shipping.Name = "  Ada Lovelace "
	req.Shipping.Country = "gb"

	var r recorder
	before := time.Now().UTC().Truncate(time.Millisecond)
	res, replayed, err := f.svc.PlaceOrder(t.Context(), req, r.respond)
	after := time.Now().UTC()
	if err != nil || replayed {
		t.Fatalf("PlaceOrder = replayed %t, %v; want a new order", replayed, err)
	}
	if r.calls() != 1 {
		t.Fatalf("respond called %d times, want 1", r.calls())
	}
	rendered := r.orders[0]
	if got, want := res, (orders.Response{Status: 201, Body: []byte(rendered.ID)}); got.Status != want.Status || string(got.Body) != string(want.Body) {
		t.Errorf("response %d %s, want %d %s", got.Status, got.Body, want.Status, want.Body)
	}
	if u, err := uuid.Parse(rendered.ID); err != nil || u.Version() != 7 || u.String() != rendered.ID {
		t.Errorf("order ID %q, want a canonical UUIDv7", rendered.ID)
	}
	if rendered.PlacedAt.Before(before) || rendered.PlacedAt.After(after) || rendered.PlacedAt.Location() != time.UTC {
		t.Errorf("PlacedAt = %v, want a UTC time between %v and %v", rendered.PlacedAt, before, after)
	}
	cartTotal, _ := cart.Total()
	want := orders.Order{
		ID: rendered.ID, CustomerID: "alice", Lines: cart.Lines, Total: cartTotal, Shipping: validAddress(),
		Status: orders.StatusPending, PlacedAt: rendered.PlacedAt, UpdatedAt: rendered.PlacedAt, Version: 1,
	}
	checkOrder(t, rendered, want)

	stored, err := f.svc.Order(t.Context(), "alice", rendered.ID)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	checkOrder(t, stored, want)
	if got := f.mustOrders(t, "alice"); len(got) != 1 || got[0] != want.Summary() {
		t.Errorf("Orders = %+v, want [%+v]", got, want.Summary())
	}

	emptied := f.mustCart(t, "alice")
	if len(emptied.Lines) != 0 || emptied.Version <= cart.Version {
		t.Errorf("after placing, cart is version %d lines %+v; want no lines at a version after %d",
			emptied.Version, emptied.Lines, cart.Version)
	}
	if _, err := f.svc.Order(t.Context(), "bob", rendered.ID); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("Order of another customer's order: got %v, want %v", err, orders.ErrNotFound)
	}
}

func TestServicePlaceOrderUsesCurrentPrices(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	f.mustSetCartItem(t, "alice", "pen", 3)
	f.mustSetCartItem(t, "alice", "lamp", 1)
	dearer := orders.Product{ID: "mug", Name: "The big mug", Price: eur(1400), Active: true}
	cheaper := orders.Product{ID: "lamp", Name: "The lamp", Price: eur(3999), Active: true}
	f.catalog.set(dearer)
	f.catalog.set(cheaper)

	var r recorder
	o := f.mustPlace(t, placeReq("alice", "k1", "h1"), &r)
	wantLines := []orders.Line{lineOf(dearer, 2), lineOf(pen, 3), lineOf(cheaper, 1)}
	if !slices.Equal(o.Lines, wantLines) {
		t.Errorf("order lines\n%+v\nwant the catalog's current names and prices\n%+v", o.Lines, wantLines)
	}
	if got, want := o.Total, eur(2*1400+3*199+3999); got != want {
		t.Errorf("order total %+v, want %+v", got, want)
	}
}

func TestServicePlaceOrderFullCart(t *testing.T) {
	f := newFixture(t)
	var want []orders.Line
	for i := range orders.MaxCartLines {
		p := product(fmt.Sprintf("p%d", i), int64(100+i))
		f.catalog.set(p)
		f.mustSetCartItem(t, "alice", p.ID, i%orders.MaxQuantity+1)
		p.Price.Amount *= 2 // repriced before the order is placed
		f.catalog.set(p)
		want = append(want, lineOf(p, i%orders.MaxQuantity+1))
	}
	var r recorder
	o := f.mustPlace(t, placeReq("alice", "k1", "h1"), &r)
	if !slices.Equal(o.Lines, want) {
		t.Errorf("order lines\n%+v\nwant every line repriced, in the cart's order\n%+v", o.Lines, want)
	}
}

func TestServicePlaceOrderRefused(t *testing.T) {
	errRender := errors.New("cannot render the order")
	usd := orders.Product{ID: "pen", Name: "The pen", Price: orders.Money{Amount: 2, Currency: "USD"}, Active: true}
	archivedPen := pen
	archivedPen.Active = false
	archivedLamp := lamp
	archivedLamp.Active = false
	tests := []struct {
		name  string
		cart  []string // the products alice has in her cart
		spoil func(f fixture, r *recorder)
		fix   func(t *testing.T, f fixture, r *recorder)
		want  []error // errors.Is must match each
	}{
		{
			"empty cart", nil,
			func(fixture, *recorder) {},
			func(t *testing.T, f fixture, _ *recorder) { f.mustSetCartItem(t, "alice", "mug", 1) },
			[]error{orders.ErrEmptyCart},
		},
		{
			"product unknown to the projection", []string{"mug", "kettle"},
			func(fixture, *recorder) {},
			func(_ *testing.T, f fixture, _ *recorder) { f.catalog.set(kettle) },
			[]error{orders.ErrUnknownProduct},
		},
		{
			"product archived", []string{"mug", "pen"},
			func(f fixture, _ *recorder) { f.catalog.set(archivedPen) },
			func(_ *testing.T, f fixture, _ *recorder) { f.catalog.set(pen) },
			[]error{orders.ErrProductUnavailable},
		},
		{
			"one product unknown, another archived", []string{"mug", "kettle", "lamp"},
			func(f fixture, _ *recorder) { f.catalog.set(archivedLamp) },
			func(_ *testing.T, f fixture, _ *recorder) { f.catalog.set(kettle); f.catalog.set(lamp) },
			[]error{orders.ErrUnknownProduct, orders.ErrProductUnavailable},
		},
		{
			"product repriced in another currency", []string{"mug", "pen"},
			func(f fixture, _ *recorder) { f.catalog.set(usd) },
			func(_ *testing.T, f fixture, _ *recorder) { f.catalog.set(pen) },
			[]error{orders.ErrCurrencyMismatch},
		},
		{
			"respond fails", []string{"mug"},
			func(_ fixture, r *recorder) { r.err = errRender },
			func(_ *testing.T, _ fixture, r *recorder) { r.err = nil },
			[]error{errRender},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			for _, id := range tt.cart {
				if id == kettle.ID { // unknown to the projection: put in the cart by the store
					f.mustStaleCart(t, "alice", time.Now().UTC(), lineOf(kettle, 2))
					continue
				}
				f.mustSetCartItem(t, "alice", id, 2)
			}
			cart := f.mustCart(t, "alice")
			var r recorder
			tt.spoil(f, &r)
			req := placeReq("alice", "k1", "h1")

			res, replayed, err := f.svc.PlaceOrder(t.Context(), req, r.respond)
			if err == nil {
				t.Fatalf("PlaceOrder = %d %s, want an error", res.Status, res.Body)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("PlaceOrder: got %v, want one matching %v", err, want)
				}
			}
			if replayed || res.Status != 0 || res.Body != nil {
				t.Errorf("PlaceOrder returned %d %s, replayed %t with its error; want the zero Response", res.Status, res.Body, replayed)
			}
			if got := f.mustOrders(t, "alice"); len(got) != 0 {
				t.Errorf("after a refused order, orders %+v, want none", got)
			}
			checkCart(t, f.mustCart(t, "alice"), cart)

			// After any error the key may be used again.
			tt.fix(t, f, &r)
			f.mustPlace(t, req, &r)
		})
	}
}

func TestServicePlaceOrderInvalidRequest(t *testing.T) {
	badAddress := placeReq("alice", "k1", "h1")
	badAddress.Shipping.City = ""
	badAddress.Shipping.Country = "GBR"
	tests := []struct {
		name   string
		req    orders.PlaceOrder
		fields []string
	}{
		{"no idempotency key", placeReq("alice", "", "h1"), []string{"Idempotency-Key"}},
		{"idempotency key of 129 characters", placeReq("alice", strings.Repeat("k", 129), "h1"), []string{"Idempotency-Key"}},
		{"idempotency key with a space", placeReq("alice", "k 1", "h1"), []string{"Idempotency-Key"}},
		{"invalid address", badAddress, []string{"shippingAddress.city", "shippingAddress.country"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSetCartItem(t, "alice", "mug", 1)
			var r recorder
			_, _, err := f.svc.PlaceOrder(t.Context(), tt.req, r.respond)
			checkInvalid(t, err, tt.fields)
			if r.calls() != 0 {
				t.Errorf("respond called %d times, want 0", r.calls())
			}
			if got := f.mustOrders(t, "alice"); len(got) != 0 {
				t.Errorf("orders %+v, want none", got)
			}
		})
	}

	// An invalid request does not claim its key: the key may be used with
	// another body.
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 1)
	var r recorder
	if _, _, err := f.svc.PlaceOrder(t.Context(), badAddress, r.respond); !errors.Is(err, orders.ErrInvalid) {
		t.Fatalf("PlaceOrder with an invalid address: got %v, want %v", err, orders.ErrInvalid)
	}
	f.mustPlace(t, placeReq("alice", badAddress.IdempotencyKey, "h2"), &r)
}

func TestServicePlaceOrderIdempotent(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	var r recorder
	req := placeReq("alice", "k1", "h1")
	first, replayed, err := f.svc.PlaceOrder(t.Context(), req, r.respond)
	if err != nil || replayed {
		t.Fatalf("first PlaceOrder = replayed %t, %v; want a new order", replayed, err)
	}

	// The retry replays the response even though the cart changed since.
	cart := f.mustSetCartItem(t, "alice", "pen", 1)
	for i := range 2 {
		res, replayed, err := f.svc.PlaceOrder(t.Context(), req, r.respond)
		if err != nil || !replayed {
			t.Fatalf("retry %d: PlaceOrder = replayed %t, %v; want the first response replayed", i+1, replayed, err)
		}
		if res.Status != first.Status || string(res.Body) != string(first.Body) {
			t.Errorf("retry %d: response %d %s, want %d %s", i+1, res.Status, res.Body, first.Status, first.Body)
		}
	}
	if got := r.calls(); got != 1 {
		t.Errorf("respond called %d times, want 1", got)
	}
	if got := f.mustOrders(t, "alice"); len(got) != 1 {
		t.Errorf("after retries, %d orders, want 1", len(got))
	}
	checkCart(t, f.mustCart(t, "alice"), cart)

	t.Run("same key, another body", func(t *testing.T) {
		other := req
		other.RequestHash = "h2"
		if _, _, err := f.svc.PlaceOrder(t.Context(), other, r.respond); !errors.Is(err, orders.ErrKeyReused) {
			t.Errorf("PlaceOrder: got %v, want %v", err, orders.ErrKeyReused)
		}
		checkCart(t, f.mustCart(t, "alice"), cart)
	})

	t.Run("same key, another customer", func(t *testing.T) {
		// Keys are per customer: bob's k1 is not alice's.
		if _, _, err := f.svc.PlaceOrder(t.Context(), placeReq("bob", "k1", "h1"), r.respond); !errors.Is(err, orders.ErrEmptyCart) {
			t.Errorf("PlaceOrder for bob: got %v, want %v", err, orders.ErrEmptyCart)
		}
	})

	t.Run("another key", func(t *testing.T) {
		o := f.mustPlace(t, placeReq("alice", "k2", "h1"), &r)
		// The first order emptied the cart: only the pen added since is left.
		if got, want := o.Lines, []orders.Line{lineOf(pen, 1)}; !slices.Equal(got, want) {
			t.Errorf("second order lines %+v, want %+v", got, want)
		}
		if got := f.mustOrders(t, "alice"); len(got) != 2 {
			t.Errorf("%d orders, want 2", len(got))
		}
	})
}

func TestServicePlaceOrderKeyInProgress(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	req := placeReq("alice", "k1", "h1")
	var inner recorder
	var sameErr, otherErr error
	// respond runs while the request holds its key.
	respond := func(o orders.Order) (orders.Response, error) {
		_, _, sameErr = f.svc.PlaceOrder(t.Context(), req, inner.respond)
		other := req
		other.RequestHash = "h2"
		_, _, otherErr = f.svc.PlaceOrder(t.Context(), other, inner.respond)
		return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
	}
	if _, replayed, err := f.svc.PlaceOrder(t.Context(), req, respond); err != nil || replayed {
		t.Fatalf("PlaceOrder = replayed %t, %v; want a new order", replayed, err)
	}
	if !errors.Is(sameErr, orders.ErrKeyInProgress) {
		t.Errorf("PlaceOrder with the same key and body in progress: got %v, want %v", sameErr, orders.ErrKeyInProgress)
	}
	if !errors.Is(otherErr, orders.ErrKeyReused) {
		t.Errorf("PlaceOrder with the same key and another body in progress: got %v, want %v", otherErr, orders.ErrKeyReused)
	}
	if got := inner.calls(); got != 0 {
		t.Errorf("the refused requests rendered %d orders, want 0", got)
	}
	if got := f.mustOrders(t, "alice"); len(got) != 1 {
		t.Errorf("%d orders, want 1", len(got))
	}
}

func TestServicePlaceOrderConcurrentRetries(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	f.mustSetCartItem(t, "alice", "pen", 1)
	req := placeReq("alice", "k1", "h1")
	const workers = 20
	var r recorder
	type result struct {
		res      orders.Response
		replayed bool
		err      error
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			res, replayed, err := f.svc.PlaceOrder(context.Background(), req, r.respond)
			results[i] = result{res, replayed, err}
		})
	}
	wg.Wait()

	placed := 0
	for i, got := range results {
		switch {
		case got.err == nil && !got.replayed:
			placed++
		case got.err == nil && got.replayed, errors.Is(got.err, orders.ErrKeyInProgress):
		default:
			t.Errorf("worker %d: PlaceOrder = replayed %t, %v; want an order, a replay or %v", i, got.replayed, got.err, orders.ErrKeyInProgress)
		}
	}
	if placed != 1 || r.calls() != 1 {
		t.Fatalf("%d requests placed an order and respond ran %d times, want 1 and 1", placed, r.calls())
	}
	for i, got := range results {
		if got.err == nil && string(got.res.Body) != r.orders[0].ID {
			t.Errorf("worker %d: response %s, want %s", i, got.res.Body, r.orders[0].ID)
		}
	}
	if got := f.mustOrders(t, "alice"); len(got) != 1 {
		t.Errorf("%d orders, want 1", len(got))
	}
}

func TestServiceCancelOrder(t *testing.T) {
	f := newFixture(t)
	f.mustSetCartItem(t, "alice", "mug", 2)
	var r recorder
	placed := f.mustPlace(t, placeReq("alice", "k1", "h1"), &r)

	if _, err := f.svc.CancelOrder(t.Context(), "bob", placed.ID); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("CancelOrder of another customer's order: got %v, want %v", err, orders.ErrNotFound)
	}

	cancelled, err := f.svc.CancelOrder(t.Context(), "alice", placed.ID)
	if err != nil {
		t.Fatalf("CancelOrder: %v", err)
	}
	want := placed
	want.Status, want.Cancellation, want.Version, want.UpdatedAt = orders.StatusCancelled, orders.ByCustomer(), placed.Version+1, cancelled.UpdatedAt
	checkOrder(t, cancelled, want)
	if cancelled.UpdatedAt.Before(placed.UpdatedAt) {
		t.Errorf("cancelled at %v, before it was placed at %v", cancelled.UpdatedAt, placed.UpdatedAt)
	}
	stored, err := f.svc.Order(t.Context(), "alice", placed.ID)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	checkOrder(t, stored, want)

	if _, err := f.svc.CancelOrder(t.Context(), "alice", placed.ID); !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("CancelOrder of a cancelled order: got %v, want %v", err, orders.ErrNotCancellable)
	}
	stored, err = f.svc.Order(t.Context(), "alice", placed.ID)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	checkOrder(t, stored, want)
}

func TestServiceRefusesMalformedInput(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, id := range []string{
		"", "42", "../orders", "01959AD0-0000-7000-8000-000000000001", "01959ad000007000800000000000001",
		"{01959ad0-0000-7000-8000-000000000001}", "urn:uuid:01959ad0-0000-7000-8000-000000000001",
	} {
		if _, err := f.svc.Order(ctx, "alice", id); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("Order(%q): got %v, want %v", id, err, orders.ErrNotFound)
		}
		if _, err := f.svc.CancelOrder(ctx, "alice", id); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("CancelOrder(%q): got %v, want %v", id, err, orders.ErrNotFound)
		}
	}
	if _, err := f.svc.Order(ctx, "alice", orderID); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("Order of a well-formed unknown ID: got %v, want %v", err, orders.ErrNotFound)
	}

	tests := []struct {
		name  string
		q     orders.Query
		field string // "" when the query is valid
	}{
		{"limit 1", orders.Query{CustomerID: "alice", Limit: 1}, ""},
		{"limit 100", orders.Query{CustomerID: "alice", Limit: orders.MaxLimit}, ""},
		{"cursor", orders.Query{CustomerID: "alice", Limit: 10, After: orderID}, ""},
		{"limit 0", orders.Query{CustomerID: "alice", Limit: 0}, "limit"},
		{"negative limit", orders.Query{CustomerID: "alice", Limit: -1}, "limit"},
		{"limit 101", orders.Query{CustomerID: "alice", Limit: orders.MaxLimit + 1}, "limit"},
		{"cursor not a UUID", orders.Query{CustomerID: "alice", Limit: 10, After: "page-2"}, "cursor"},
		{"upper-case cursor", orders.Query{CustomerID: "alice", Limit: 10, After: strings.ToUpper(orderID)}, "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Orders(ctx, tt.q)
			if tt.field == "" {
				if err != nil {
					t.Errorf("Orders(%+v): %v", tt.q, err)
				}
				return
			}
			checkInvalid(t, err, []string{tt.field})
		})
	}
}

func TestServiceOrdersNewestFirst(t *testing.T) {
	f := newFixture(t)
	var r recorder
	var placed []orders.Order
	for i, id := range []string{"mug", "pen", "lamp"} {
		f.mustSetCartItem(t, "alice", id, i+1)
		placed = append(placed, f.mustPlace(t, placeReq("alice", fmt.Sprintf("k%d", i), "h"), &r))
	}
	page, err := f.svc.Orders(t.Context(), orders.Query{CustomerID: "alice", Limit: 2})
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	if want := []orders.Summary{placed[2].Summary(), placed[1].Summary()}; !slices.Equal(page.Orders, want) || page.Next != placed[1].ID {
		t.Errorf("first page %+v next %q, want %+v next %q", page.Orders, page.Next, want, placed[1].ID)
	}
	page, err = f.svc.Orders(t.Context(), orders.Query{CustomerID: "alice", Limit: 2, After: page.Next})
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	if want := []orders.Summary{placed[0].Summary()}; !slices.Equal(page.Orders, want) || page.Next != "" {
		t.Errorf("second page %+v next %q, want %+v and no next", page.Orders, page.Next, want)
	}
	if got := f.mustOrders(t, "bob"); len(got) != 0 {
		t.Errorf("bob's orders %+v, want none", got)
	}
}
