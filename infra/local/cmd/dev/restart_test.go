package main

import (
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/testenv"
	"example.com/quartet/services/accounts"
)

// instance is one run of dev on a data directory, stopped as Ctrl-C stops
// it.
type instance struct {
	url    string
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func startInstance(t *testing.T, dataDir string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	args := []string{"-addr", "127.0.0.1:0", "-data", dataDir, "-web", filepath.Join(dataDir, "no-web"), "-free-ports"}
	go func() { in.done <- run(ctx, args, func(string) string { return "" }, in.stdout, in.stderr) }()
	url, err := waitForGateway(in.stdout, in.done, 3*time.Minute)
	if err != nil {
		cancel()
		t.Fatalf("dev: %v\nstderr:\n%s", err, in.stderr.String())
	}
	in.url = url
	t.Cleanup(func() { in.stop(t) })
	return in
}

// stop cancels run, as Ctrl-C does, and waits for it to return.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	if in.cancel == nil {
		return
	}
	in.cancel()
	in.cancel = nil
	select {
	case err := <-in.done:
		if err != nil {
			t.Errorf("run after Ctrl-C: %v\nstderr:\n%s", err, in.stderr.String())
		}
	case <-time.After(time.Minute):
		t.Errorf("run did not return within a minute of Ctrl-C")
	}
	for _, level := range []string{"level=WARN", "level=ERROR"} {
		if strings.Contains(in.stderr.String(), level) {
			t.Errorf("dev logged at %s:\n%s", level, in.stderr.String())
		}
	}
}

func (in *instance) call(t *testing.T, method, path, token string, body any, header ...string) response {
	t.Helper()
	return callAt(t, in.url, method, path, token, body, header...)
}

func (in *instance) signIn(t *testing.T, email, password string) (token, id string) {
	t.Helper()
	r := in.call(t, http.MethodPost, "/v1/sessions", "", map[string]string{"email": email, "password": password})
	want(t, r, http.StatusOK, "sign in "+email)
	var s struct{ AccessToken string }
	r.decode(t, &s)
	var me struct{ ID string }
	in.call(t, http.MethodGet, "/v1/me", s.AccessToken, nil).decode(t, &me)
	return s.AccessToken, me.ID
}

// TestRestartKeepsEverything is issue 10's acceptance test: write to every
// context, stop cleanly, start again on the same data directory and find
// everything, with the demo accounts' ids unchanged. Orders runs on DynamoDB
// Local where Java is (always in CI: a missing Java fails there).
func TestRestartKeepsEverything(t *testing.T) {
	needStack(t)
	// Not t.TempDir, which is 0700 below a 0700 directory: run as root,
	// the embedded PostgreSQL runs as an unprivileged user that must reach
	// its data.
	root, err := os.MkdirTemp("", "quartet-restart-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(root, "data")

	first := startInstance(t, dataDir)
	if !strings.Contains(first.stdout.String(), "DynamoDB Local, data in") {
		testenv.Unavailable(t, "orders runs on minidyn, which keeps nothing (no Java 17+ or no npm package):\n%s", first.stdout.String())
	}
	_, adminID := first.signIn(t, accounts.DemoAdminEmail, accounts.DemoAdminPassword)
	_, customerID := first.signIn(t, accounts.DemoCustomerEmail, accounts.DemoCustomerPassword)
	if adminID != accounts.DemoAdminID || customerID != accounts.DemoCustomerID {
		t.Errorf("demo ids %s and %s, want the fixed %s and %s", adminID, customerID, accounts.DemoAdminID, accounts.DemoCustomerID)
	}
	admin, _ := first.signIn(t, accounts.DemoAdminEmail, accounts.DemoAdminPassword)

	// accounts: a new account with an address.
	email, password := newEmail("keeper"), "correct horse battery keeper"
	want(t, first.call(t, http.MethodPost, "/v1/accounts", "", map[string]string{"email": email, "displayName": "Keeper", "password": password}),
		http.StatusCreated, "sign up")
	token, keeperID := first.signIn(t, email, password)
	address := map[string]any{"name": "Keeper", "lines": []string{"1 Main Street"}, "city": "Springfield", "postalCode": "12345", "country": "US"}
	want(t, first.call(t, http.MethodPost, "/v1/me/addresses", token, address), http.StatusCreated, "add an address")

	// catalog: a product.
	var cats struct{ Items []struct{ Slug string } }
	first.call(t, http.MethodGet, "/v1/categories", "", nil).decode(t, &cats)
	sku := "KEEP-" + rand.Text()[:10]
	r := first.call(t, http.MethodPost, "/v1/products", admin, map[string]any{
		"sku": sku, "name": "Kept " + sku, "price": map[string]any{"amount": 1234, "currency": "USD"},
		"category": cats.Items[0].Slug, "stock": 50,
	})
	want(t, r, http.StatusCreated, "create a product")
	var p product
	r.decode(t, &p)

	// orders: an order with an idempotency key, then a cart.
	putInCart(t, first.url, token, p.ID, 2) // once orders knows the product, from catalog's event
	key := rand.Text()
	orderBody := map[string]any{"shippingAddress": map[string]string{
		"name": "Keeper", "line1": "1 Main Street", "city": "Springfield", "postalCode": "12345", "country": "US",
	}}
	placed := first.call(t, http.MethodPost, "/v1/orders", token, orderBody, "Idempotency-Key", key)
	want(t, placed, http.StatusCreated, "place an order")
	var order struct{ ID string }
	placed.decode(t, &order)
	want(t, first.call(t, http.MethodPut, "/v1/cart/items/"+p.ID, token, map[string]int{"quantity": 3}), http.StatusOK, "fill the cart again")

	// reviews: a review by the keeper and one by the demo customer.
	demo, _ := first.signIn(t, accounts.DemoCustomerEmail, accounts.DemoCustomerPassword)
	want(t, first.call(t, http.MethodPost, "/v1/products/"+p.ID+"/reviews", token, map[string]any{"rating": 4, "title": "Kept", "body": "across restarts"}),
		http.StatusCreated, "review")
	want(t, first.call(t, http.MethodPost, "/v1/products/"+p.ID+"/reviews", demo, map[string]any{"rating": 5, "title": "Demo", "body": "mine"}),
		http.StatusCreated, "the demo customer's review")

	first.stop(t)
	second := startInstance(t, dataDir)

	if _, id := second.signIn(t, accounts.DemoAdminEmail, accounts.DemoAdminPassword); id != adminID {
		t.Errorf("after a restart the demo admin is %s, was %s", id, adminID)
	}
	demo, id := second.signIn(t, accounts.DemoCustomerEmail, accounts.DemoCustomerPassword)
	if id != customerID {
		t.Errorf("after a restart the demo customer is %s, was %s", id, customerID)
	}
	token, id = second.signIn(t, email, password)
	if id != keeperID {
		t.Errorf("after a restart the new account is %s, was %s", id, keeperID)
	}
	var book struct{ Items []struct{ Name string } }
	second.call(t, http.MethodGet, "/v1/me/addresses", token, nil).decode(t, &book)
	if len(book.Items) != 1 {
		t.Errorf("after a restart the address book holds %d addresses, want 1", len(book.Items))
	}
	want(t, second.call(t, http.MethodGet, "/v1/products/"+p.ID, "", nil), http.StatusOK, "the product after a restart")

	var cart struct{ Items []struct{ Quantity int } }
	second.call(t, http.MethodGet, "/v1/cart", token, nil).decode(t, &cart)
	if len(cart.Items) != 1 || cart.Items[0].Quantity != 3 {
		t.Errorf("after a restart the cart is %+v, want one line of 3", cart.Items)
	}
	want(t, second.call(t, http.MethodGet, "/v1/orders/"+order.ID, token, nil), http.StatusOK, "the order after a restart")
	replay := second.call(t, http.MethodPost, "/v1/orders", token, orderBody, "Idempotency-Key", key)
	want(t, replay, http.StatusCreated, "the idempotent replay after a restart")
	var replayed struct{ ID string }
	replay.decode(t, &replayed)
	if replayed.ID != order.ID {
		t.Errorf("after a restart the key's replay is order %s, want %s: the idempotency record was lost", replayed.ID, order.ID)
	}

	var reviews struct{ Items []struct{ Title string } }
	second.call(t, http.MethodGet, "/v1/products/"+p.ID+"/reviews", "", nil).decode(t, &reviews)
	if len(reviews.Items) != 2 {
		t.Errorf("after a restart the product has %d reviews, want 2", len(reviews.Items))
	}
	want(t, second.call(t, http.MethodPost, "/v1/products/"+p.ID+"/reviews", demo, map[string]any{"rating": 1, "title": "Again"}),
		http.StatusConflict, "the demo customer's second review after a restart")

	second.stop(t)
	checkPostgresLog(t, dataDir)
}

// checkPostgresLog fails t for any ERROR, WARNING or FATAL line in the
// embedded PostgreSQL's log.
func checkPostgresLog(t *testing.T, dataDir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "postgres.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		for _, level := range []string{"ERROR:", "WARNING:", "FATAL:", "PANIC:"} {
			if strings.Contains(line, level) {
				t.Errorf("postgres.log: %s", line)
			}
		}
	}
}
