package main

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"testing"
)

// money is an amount as the APIs write it.
type money struct {
	Amount   int64
	Currency string
}

// Issue 4's acceptance through the gateway: a customer's cart and order,
// with orders pricing from its own copy of catalog's products (issue 11).
func TestOrders(t *testing.T) {
	needStack(t)
	customer := newCustomer(t, "olga")
	admin := demoToken(t, "admin")
	products := []product{newProduct(t, admin, 1000), newProduct(t, admin, 250), newProduct(t, admin, 99)}

	// Three products in the cart, then a quantity changed.
	type cart struct {
		Items []struct {
			ProductID string
			Name      string
			UnitPrice money
			Quantity  int
		}
		Total money
	}
	var c cart
	for _, p := range products {
		// (orders knows a product once catalog's event reached it.)
		putInCart(t, stack.url, customer, p.ID, 1)
	}
	r := call(t, http.MethodPut, "/v1/cart/items/"+products[1].ID, customer, map[string]int{"quantity": 3})
	want(t, r, http.StatusOK, "change a quantity")
	r.decode(t, &c)
	if len(c.Items) != 3 {
		t.Fatalf("cart has %d lines, want 3: %s", len(c.Items), r.body)
	}
	for _, line := range c.Items {
		for _, p := range products {
			if line.ProductID == p.ID && (line.Name != p.Name || line.UnitPrice.Amount != p.Price.Amount) {
				t.Errorf("cart line %+v, want catalog's name %q and price %d", line, p.Name, p.Price.Amount)
			}
		}
	}
	const wantTotal = 1000 + 3*250 + 99
	if c.Total.Amount != wantTotal || c.Total.Currency != "USD" {
		t.Errorf("cart total = %+v, want %d USD", c.Total, wantTotal)
	}
	want(t, call(t, http.MethodPut, "/v1/cart/items/no-such-product", customer, map[string]int{"quantity": 1}),
		http.StatusUnprocessableEntity, "an unknown product in the cart")

	// Place the order, then replay the request.
	key := rand.Text()
	body := map[string]any{"shippingAddress": map[string]string{
		"name": "Olga", "line1": "1 Main Street", "city": "Springfield", "postalCode": "12345", "country": "US",
	}}
	placed := call(t, http.MethodPost, "/v1/orders", customer, body, "Idempotency-Key", key)
	want(t, placed, http.StatusCreated, "POST /v1/orders")
	var order struct {
		ID     string
		Status string
		Total  money
		Items  []struct{ ProductID string }
	}
	placed.decode(t, &order)
	if order.Status != "pending" || order.Total.Amount != wantTotal || len(order.Items) != 3 {
		t.Errorf("placed order = %s, want pending, total %d, 3 lines", placed.body, wantTotal)
	}
	replay := call(t, http.MethodPost, "/v1/orders", customer, body, "Idempotency-Key", key)
	want(t, replay, http.StatusCreated, "replay of POST /v1/orders")
	if !bytes.Equal(replay.body, placed.body) || replay.header.Get("Location") != placed.header.Get("Location") {
		t.Errorf("replay = %s (Location %q), want the first response %s (Location %q)",
			replay.body, replay.header.Get("Location"), placed.body, placed.header.Get("Location"))
	}
	if replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay's Idempotent-Replayed = %q, want true", replay.header.Get("Idempotent-Replayed"))
	}
	want(t, call(t, http.MethodPost, "/v1/orders", customer, map[string]any{"shippingAddress": map[string]string{
		"name": "Other", "line1": "2 Main Street", "city": "Springfield", "postalCode": "12345", "country": "US",
	}}, "Idempotency-Key", key), http.StatusUnprocessableEntity, "the same key with another body")

	// The cart is empty, and there is exactly one order.
	call(t, http.MethodGet, "/v1/cart", customer, nil).decode(t, &c)
	if len(c.Items) != 0 {
		t.Errorf("cart after the order has %d lines, want 0", len(c.Items))
	}
	var list struct {
		Items []struct {
			ID     string
			Status string
		}
	}
	r = call(t, http.MethodGet, "/v1/orders", customer, nil)
	want(t, r, http.StatusOK, "GET /v1/orders")
	r.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != order.ID {
		t.Fatalf("GET /v1/orders = %s, want exactly order %s", r.body, order.ID)
	}
	r = call(t, http.MethodGet, "/v1/orders/"+order.ID, customer, nil)
	want(t, r, http.StatusOK, "GET /v1/orders/{id}")

	// Another customer sees nothing of it.
	other := newCustomer(t, "otto")
	want(t, call(t, http.MethodGet, "/v1/orders/"+order.ID, other, nil), http.StatusNotFound, "another customer's GET /v1/orders/{id}")
	want(t, call(t, http.MethodPost, "/v1/orders/"+order.ID+"/cancel", other, nil), http.StatusNotFound, "another customer's cancel")
	r = call(t, http.MethodGet, "/v1/orders", other, nil)
	r.decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("another customer's GET /v1/orders = %s, want none", r.body)
	}

	// Cancel it; a second cancel conflicts.
	r = call(t, http.MethodPost, "/v1/orders/"+order.ID+"/cancel", customer, nil)
	want(t, r, http.StatusOK, "cancel")
	r.decode(t, &order)
	if order.Status != "cancelled" {
		t.Errorf("cancelled order status = %q", order.Status)
	}
	want(t, call(t, http.MethodPost, "/v1/orders/"+order.ID+"/cancel", customer, nil), http.StatusConflict, "second cancel")
	r = call(t, http.MethodGet, "/v1/orders/"+order.ID, customer, nil)
	r.decode(t, &order)
	if order.Status != "cancelled" {
		t.Errorf("GET after cancel: status %q, want cancelled", order.Status)
	}

	want(t, call(t, http.MethodGet, "/v1/orders", "", nil), http.StatusUnauthorized, "GET /v1/orders without a token")
}
