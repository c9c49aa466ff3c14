package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/event"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/internal/httpapi"
	"example.com/quartet/services/orders/internal/memory"
	domain "example.com/quartet/services/orders/internal/orders"
)

var (
	alice = apitest.Caller("alice", "customer")
	bob   = apitest.Caller("bob", "customer")
)

// seedProducts hands svc's event handler catalog's ProductCreated of mug,
// pen and lamp, sold, and old, archived: the products projection that
// carts and placement read.
func seedProducts(t *testing.T, svc *domain.Service) {
	t.Helper()
	for i, id := range []string{"mug", "pen", "lamp", "old"} {
		status := "active"
		if id == "old" {
			status = "archived"
		}
		e, err := event.New(t.Context(), "catalog", domain.TypeProductCreated, id, 1, map[string]any{
			"productId": id, "name": "The " + id, "status": status, "version": 1,
			"price": map[string]any{"amount": 100 * (i + 1), "currency": "EUR"},
		}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.HandleEvent(t.Context(), e); err != nil {
			t.Fatalf("HandleEvent(ProductCreated %s): %v", id, err)
		}
	}
}

// newService returns a service on an empty memory store, with the products
// projection seeded.
func newService(t *testing.T) *domain.Service {
	t.Helper()
	svc := domain.NewService(memory.NewStore())
	seedProducts(t, svc)
	return svc
}

func newAPI(t *testing.T) *apitest.API {
	t.Helper()
	return newAPIOf(t, newService(t))
}

func newAPIOf(t *testing.T, svc *domain.Service) *apitest.API {
	t.Helper()
	return apitest.New(t, orders.OpenAPI, httpapi.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil))))
}

func TestRoutes(t *testing.T) {
	apitest.CheckRoutes(t, orders.OpenAPI, httpapi.Routes())
}

func TestAuthentication(t *testing.T) {
	api := newAPI(t)
	for _, tt := range []struct {
		claims apitest.Claims
		want   int
	}{
		{nil, http.StatusUnauthorized},
		{apitest.Admin, http.StatusForbidden},
	} {
		for _, req := range []apitest.Request{
			{Method: "GET", Path: "/v1/cart"},
			{Method: "PUT", Path: "/v1/cart/items/mug", Body: `{"quantity":1}`},
			{Method: "DELETE", Path: "/v1/cart/items/mug"},
			{Method: "POST", Path: "/v1/orders", Body: `{}`},
			{Method: "GET", Path: "/v1/orders"},
			{Method: "GET", Path: "/v1/orders/01900000-0000-7000-8000-000000000001"},
			{Method: "POST", Path: "/v1/orders/01900000-0000-7000-8000-000000000001/cancel"},
		} {
			req.Claims = tt.claims
			if res := api.Do(t, req); res.Status != tt.want {
				t.Errorf("%s %s with claims %v: status %d, want %d", req.Method, req.Path, tt.claims, res.Status, tt.want)
			}
		}
	}
}

func TestCart(t *testing.T) {
	api := newAPI(t)
	var cart struct {
		Items []struct {
			ProductID string
			Quantity  int
		}
		Total   *struct{ Amount int64 }
		Version int
	}
	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart", Claims: alice})
	res.JSON(t, &cart)
	if res.Status != http.StatusOK || len(cart.Items) != 0 || cart.Total != nil || cart.Version != 0 {
		t.Fatalf("empty cart: %d %s", res.Status, res.Body)
	}

	setItem(t, api, alice, "mug", 2)
	setItem(t, api, alice, "pen", 1)
	res = setItem(t, api, alice, "mug", 3)
	res.JSON(t, &cart)
	if len(cart.Items) != 2 || cart.Items[0].ProductID != "mug" || cart.Items[0].Quantity != 3 || cart.Total.Amount != 3*100+200 || cart.Version != 3 {
		t.Errorf("cart after changing a quantity: %s", res.Body)
	}

	res = api.Do(t, apitest.Request{Method: "DELETE", Path: "/v1/cart/items/pen", Claims: alice})
	res.JSON(t, &cart)
	if res.Status != http.StatusOK || len(cart.Items) != 1 || cart.Version != 4 {
		t.Errorf("cart after removing pen: %d %s", res.Status, res.Body)
	}
	res = api.Do(t, apitest.Request{Method: "DELETE", Path: "/v1/cart/items/pen", Claims: alice})
	res.JSON(t, &cart)
	if res.Status != http.StatusOK || cart.Version != 4 {
		t.Errorf("removing a product not in the cart: %d %s, want 200 at version 4", res.Status, res.Body)
	}

	res = api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart", Claims: bob})
	res.JSON(t, &cart)
	if len(cart.Items) != 0 {
		t.Errorf("bob sees alice's cart: %s", res.Body)
	}

	for _, tt := range []struct {
		name, path, body string
		want             int
	}{
		{"unknown product", "/v1/cart/items/nope", `{"quantity":1}`, http.StatusUnprocessableEntity},
		{"archived product", "/v1/cart/items/old", `{"quantity":1}`, http.StatusUnprocessableEntity},
		{"zero", "/v1/cart/items/mug", `{"quantity":0}`, http.StatusUnprocessableEntity},
		{"too many", "/v1/cart/items/mug", `{"quantity":100}`, http.StatusUnprocessableEntity},
		{"no quantity", "/v1/cart/items/mug", `{}`, http.StatusUnprocessableEntity},
		{"not a number", "/v1/cart/items/mug", `{"quantity":"2"}`, http.StatusBadRequest},
		{"unknown member", "/v1/cart/items/mug", `{"quantity":2,"price":1}`, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "PUT", Path: tt.path, Body: tt.body, Claims: alice})
			if res.Status != tt.want {
				t.Errorf("status %d, want %d: %s", res.Status, tt.want, res.Body)
			}
		})
	}
}

const address = `{"shippingAddress":{"name":"Alice Martin","line1":"1 rue de la Paix","city":"Paris","postalCode":"75002","country":"FR"}}`

func TestPlaceOrder(t *testing.T) {
	svc := newService(t)
	api := newAPIOf(t, svc)
	place := func(key, body string, claims apitest.Claims) *apitest.Response {
		h := map[string]string{}
		if key != "" {
			h["Idempotency-Key"] = key
		}
		return api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Header: h, Body: body, Claims: claims})
	}

	if res := place("k-empty", address, alice); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("placing from an empty cart: %d, want 422", res.Status)
	}
	setItem(t, api, alice, "mug", 2)
	setItem(t, api, alice, "pen", 1)
	setItem(t, api, alice, "lamp", 1)

	for _, tt := range []struct {
		name, key, body string
		want            int
	}{
		{"no key", "", address, http.StatusBadRequest},
		{"malformed key", "has space", address, http.StatusUnprocessableEntity},
		{"no address", "k-1", `{}`, http.StatusUnprocessableEntity},
		{"bad country", "k-1", `{"shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"D","country":"France"}}`, http.StatusUnprocessableEntity},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if res := place(tt.key, tt.body, alice); res.Status != tt.want {
				t.Errorf("status %d, want %d: %s", res.Status, tt.want, res.Body)
			}
		})
	}

	first := place("k-1", address, alice)
	if first.Status != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("place: %d %v %s", first.Status, first.Header, first.Body)
	}
	var order struct {
		ID     string
		Status string
		Total  struct{ Amount int64 }
		Items  []json.RawMessage
	}
	first.JSON(t, &order)
	if order.Status != "pending" || order.Total.Amount != 2*100+200+300 || len(order.Items) != 3 {
		t.Errorf("placed order: %s", first.Body)
	}
	if loc := first.Header.Get("Location"); loc != "/v1/orders/"+order.ID {
		t.Errorf("Location %q, want /v1/orders/%s", loc, order.ID)
	}

	// A retry with differently spaced JSON is the same request.
	spaced := bytes.ReplaceAll([]byte(address), []byte(`,`), []byte(`, `))
	replay := place("k-1", string(spaced), alice)
	if replay.Status != http.StatusCreated || !bytes.Equal(replay.Body, first.Body) || replay.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %v %s, want the first response replayed", replay.Status, replay.Header, replay.Body)
	}
	other := `{"shippingAddress":{"name":"Alice Martin","line1":"2 rue de la Paix","city":"Paris","postalCode":"75002","country":"FR"}}`
	if res := place("k-1", other, alice); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: %d, want 422", res.Status)
	}
	if res := place("k-1", address, bob); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("bob with alice's key and an empty cart: %d, want 422 (keys are per customer)", res.Status)
	}

	var cart struct{ Items []json.RawMessage }
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart", Claims: alice}).JSON(t, &cart)
	if len(cart.Items) != 0 {
		t.Errorf("cart after placing: %d items, want none", len(cart.Items))
	}

	var page struct {
		Items []struct{ ID string }
	}
	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders", Claims: alice})
	res.JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != order.ID {
		t.Errorf("orders after placing and replaying: %s, want just %s", res.Body, order.ID)
	}

	path := "/v1/orders/" + order.ID
	if res := api.Do(t, apitest.Request{Method: "GET", Path: path, Claims: alice}); res.Status != http.StatusOK {
		t.Errorf("GET own order: %d", res.Status)
	}
	for _, req := range []apitest.Request{
		{Method: "GET", Path: path, Claims: bob},
		{Method: "POST", Path: path + "/cancel", Claims: bob},
		{Method: "GET", Path: "/v1/orders/not-an-id", Claims: alice},
	} {
		if res := api.Do(t, req); res.Status != http.StatusNotFound {
			t.Errorf("%s %s as %s: %d, want 404", req.Method, req.Path, req.Claims["sub"], res.Status)
		}
	}

	res = api.Do(t, apitest.Request{Method: "POST", Path: path + "/cancel", Claims: alice})
	res.JSON(t, &order)
	if res.Status != http.StatusOK || order.Status != "cancelled" || !bytes.Contains(res.Body, []byte(`"cancellation":{"reason":"customer"}`)) {
		t.Errorf("cancel: %d %s, want cancelled by its customer", res.Status, res.Body)
	}
	if res := api.Do(t, apitest.Request{Method: "POST", Path: path + "/cancel", Claims: alice}); res.Status != http.StatusConflict {
		t.Errorf("cancel twice: %d, want 409", res.Status)
	}

	// A confirmed order can be cancelled too.
	setItem(t, api, alice, "mug", 1)
	res = place("k-2", address, alice)
	res.JSON(t, &order)
	reserved, err := event.New(t.Context(), "catalog", domain.TypeStockReserved, order.ID, 1, map[string]any{
		"orderId": order.ID, "customerId": "alice", "lines": []map[string]any{{"productId": "mug", "quantity": 1}},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.HandleEvent(t.Context(), reserved); err != nil {
		t.Fatalf("HandleEvent(StockReserved): %v", err)
	}
	path = "/v1/orders/" + order.ID
	api.Do(t, apitest.Request{Method: "GET", Path: path, Claims: alice}).JSON(t, &order)
	if order.Status != "confirmed" {
		t.Fatalf("after StockReserved the order is %s, want confirmed", order.Status)
	}
	res = api.Do(t, apitest.Request{Method: "POST", Path: path + "/cancel", Claims: alice})
	res.JSON(t, &order)
	if res.Status != http.StatusOK || order.Status != "cancelled" {
		t.Errorf("cancel a confirmed order: %d %s", res.Status, res.Body)
	}
	if res := api.Do(t, apitest.Request{Method: "POST", Path: path + "/cancel", Claims: alice}); res.Status != http.StatusConflict {
		t.Errorf("cancel a cancelled order: %d, want 409", res.Status)
	}
}

func TestListOrders(t *testing.T) {
	api := newAPI(t)
	var want []string
	for n := range 5 {
		setItem(t, api, alice, "mug", 1)
		res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Body: address, Claims: alice,
			Header: map[string]string{"Idempotency-Key": fmt.Sprint("key-", n)}})
		var o struct{ ID string }
		res.JSON(t, &o)
		want = append([]string{o.ID}, want...)
	}
	var got []string
	path := "/v1/orders?limit=2"
	for range 3 {
		var page struct {
			Items      []struct{ ID string }
			NextCursor string
		}
		api.Do(t, apitest.Request{Method: "GET", Path: path, Claims: alice}).JSON(t, &page)
		for _, o := range page.Items {
			got = append(got, o.ID)
		}
		if page.NextCursor == "" {
			break
		}
		path = "/v1/orders?limit=2&cursor=" + page.NextCursor
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("orders, paged: %v, want newest first %v", got, want)
	}

	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=%21%21", "cursor=bm90LWFuLWlk"} {
		if res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders?" + q, Claims: alice}); res.Status != http.StatusBadRequest {
			t.Errorf("GET /v1/orders?%s: %d, want 400", q, res.Status)
		}
	}
}

func setItem(t *testing.T, api *apitest.API, claims apitest.Claims, productID string, quantity int) *apitest.Response {
	t.Helper()
	res := api.Do(t, apitest.Request{Method: "PUT", Path: "/v1/cart/items/" + productID, Body: fmt.Sprintf(`{"quantity":%d}`, quantity), Claims: claims})
	if res.Status != http.StatusOK {
		t.Fatalf("PUT %s×%d: %d %s", productID, quantity, res.Status, res.Body)
	}
	return res
}

// TestCancellation reads orders cancelled by their customer, for each of
// catalog's reasons, and before orders recorded why (no cancellation), in
// the order document and the list; every response is validated against
// openapi.yaml.
func TestCancellation(t *testing.T) {
	store := memory.NewStore()
	svc := domain.NewService(store)
	seedProducts(t, svc)
	api := newAPIOf(t, svc)
	place := func(key string) string {
		t.Helper()
		setItem(t, api, alice, "mug", 1)
		res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Body: address, Claims: alice,
			Header: map[string]string{"Idempotency-Key": key}})
		var o struct{ ID, Status string }
		res.JSON(t, &o)
		if res.Status != http.StatusCreated || bytes.Contains(res.Body, []byte("cancellation")) {
			t.Fatalf("place: %d %s, want 201 without a cancellation", res.Status, res.Body)
		}
		return o.ID
	}
	reject := func(id, reason string) {
		t.Helper()
		e, err := event.New(t.Context(), "catalog", domain.TypeStockRejected, id, 1, map[string]any{
			"orderId": id, "customerId": "alice", "reason": reason, "productIds": []string{"mug"},
		}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.HandleEvent(t.Context(), e); err != nil {
			t.Fatalf("HandleEvent(StockRejected %s): %v", reason, err)
		}
	}

	want := map[string]string{} // order id -> its cancellation's JSON, "" for none
	pending := place("k-pending")
	want[pending] = ""
	for _, reason := range []string{"insufficient_stock", "product_unavailable", "unknown_product"} {
		id := place("k-" + reason)
		reject(id, reason)
		want[id] = `{"reason":"stock_rejected","stockReason":"` + reason + `"}`
	}
	later := place("k-later")
	reject(later, "a_reason_catalog_added_later")
	want[later] = `{"reason":"stock_rejected"}`

	byCustomer := place("k-customer")
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders/" + byCustomer + "/cancel", Claims: alice})
	if res.Status != http.StatusOK {
		t.Fatalf("cancel: %d %s", res.Status, res.Body)
	}
	want[byCustomer] = `{"reason":"customer"}`
	// Cancelling an order catalog cancelled is 409, and keeps its reason.
	rejected := place("k-rejected")
	reject(rejected, "insufficient_stock")
	if res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders/" + rejected + "/cancel", Claims: alice}); res.Status != http.StatusConflict {
		t.Errorf("cancel an order whose stock was rejected: %d, want 409", res.Status)
	}
	want[rejected] = `{"reason":"stock_rejected","stockReason":"insufficient_stock"}`

	// An order cancelled before orders recorded why, as the store holds it.
	old := place("k-old")
	if _, _, err := store.UpdateOrder(t.Context(), domain.OrderUpdate{CustomerID: "alice", ID: old,
		Update: func(o *domain.Order) ([]event.Envelope, error) {
			o.Status, o.Version = domain.StatusCancelled, o.Version+1
			return nil, nil
		}}); err != nil {
		t.Fatal(err)
	}
	want[old] = ""

	cancellation := func(raw json.RawMessage) string {
		if raw == nil {
			return ""
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for id, w := range want {
		var o struct {
			Status       string
			Cancellation json.RawMessage
		}
		res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders/" + id, Claims: alice})
		res.JSON(t, &o)
		if got := cancellation(o.Cancellation); res.Status != http.StatusOK || got != w {
			t.Errorf("GET order %s: %d cancellation %s, want %s", id, res.Status, got, w)
		}
		if wantStatus := map[bool]string{true: "pending", false: "cancelled"}[id == pending]; o.Status != wantStatus {
			t.Errorf("GET order %s: status %s, want %s", id, o.Status, wantStatus)
		}
	}
	var page struct {
		Items []struct {
			ID           string
			Cancellation json.RawMessage
		}
	}
	res = api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders", Claims: alice})
	res.JSON(t, &page)
	if len(page.Items) != len(want) {
		t.Fatalf("list: %d orders, want %d", len(page.Items), len(want))
	}
	for _, o := range page.Items {
		if got := cancellation(o.Cancellation); got != want[o.ID] {
			t.Errorf("list: order %s cancellation %s, want %s", o.ID, got, want[o.ID])
		}
	}
}
