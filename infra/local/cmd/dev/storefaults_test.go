package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/faultproxy"
	"example.com/quartet/services/accounts"
)

// storeFaultsPolicy is the bus's policy in TestCatalogStoreFaults: quick
// retries, so that an event failing fast is a dead letter within a couple
// of seconds, and attempts bounded by 2 s, so that a store frozen for a
// few seconds makes none (10 attempts of up to 2 s each: 20 s at least).
var storeFaultsPolicy = bus.Policy{Attempts: 10, Base: 50 * time.Millisecond, Max: 200 * time.Millisecond, Timeout: 2 * time.Second}

// TestCatalogStoreFaults runs make dev in this process with catalog's
// PostgreSQL behind a faultproxy:
//
//   - frozen: carts and order placement keep answering 2xx while catalog's
//     store is frozen; the order stays pending while catalog's attempts
//     fail, and is confirmed with its stock reduced once the store thaws;
//   - poison: an OrderPlaced whose every attempt fails (the store refuses
//     connections for the whole attempt budget) is a dead letter listed by
//     GET /_local/dead-letters; once the store is back, POST
//     /_local/dead-letters/redrive replays it, the order is confirmed and
//     its stock reduced exactly once, and a second redrive finds nothing.
//
// About 1 min (one start of make dev, with DynamoDB Local).
func TestCatalogStoreFaults(t *testing.T) {
	needStack(t)
	proxied, _, proxy := proxiedPostgres(t)
	dataDir := faultDataDir(t)
	in := startInProcess(t, dataDir, map[string]string{"DATABASE_URL": proxied},
		func(c *system.Config) { c.BusPolicy = storeFaultsPolicy })
	admin := signInAt(t, in.url, accounts.DemoAdminEmail, accounts.DemoAdminPassword)
	tokens := customersAt(t, in.url, dataDir, newUUIDs(2))

	t.Run("frozen", func(t *testing.T) {
		token := tokens[0]
		p := newStockedProduct(t, in.url, admin, 5)
		q := newStockedProduct(t, in.url, admin, 5)
		// Both products are in orders' projection before the freeze.
		putInCart(t, in.url, token, q, 1)
		putInCart(t, in.url, token, p, 2)

		setMode(t, proxy, faultproxy.Freeze)
		defer setMode(t, proxy, faultproxy.Pass)
		// catalog itself answers 503: its store is frozen.
		want(t, callAt(t, in.url, http.MethodGet, "/v1/products/"+p, "", nil), http.StatusServiceUnavailable, "catalog with its store frozen")
		// Carts and placement answer.
		want(t, callAt(t, in.url, http.MethodPut, "/v1/cart/items/"+q, token, map[string]int{"quantity": 2}), http.StatusOK, "change a cart line")
		want(t, callAt(t, in.url, http.MethodDelete, "/v1/cart/items/"+q, token, nil), http.StatusOK, "remove a cart line")
		var cart struct{ Items []struct{ ProductID string } }
		r := callAt(t, in.url, http.MethodGet, "/v1/cart", token, nil)
		want(t, r, http.StatusOK, "the cart")
		r.decode(t, &cart)
		if len(cart.Items) != 1 || cart.Items[0].ProductID != p {
			t.Fatalf("the cart holds %+v, want one line of %s", cart.Items, p)
		}
		id := placeOrder(t, in.url, token)
		if t.Failed() {
			t.FailNow()
		}
		// catalog tried the OrderPlaced and failed: the order waits.
		within(t, faultDeadline, "catalog's attempt at the OrderPlaced failed", func() string {
			if len(logLines(in.stderr.String(), "event delivery failed; retrying", "consumer=catalog", "event_type=OrderPlaced", "subject="+id)) == 0 {
				return "no failed attempt logged"
			}
			return ""
		})
		if got := orderStatus(t, in.url, token, id); got != "pending" {
			t.Errorf("with catalog's store frozen the order is %s, want pending", got)
		}
		want(t, callAt(t, in.url, http.MethodGet, "/v1/orders", token, nil), http.StatusOK, "the orders")
		if doc := deadLetters(t, in.url); len(doc.Items) > 0 || doc.Queued["catalog"] == 0 {
			t.Errorf("with catalog's store frozen: dead letters %+v, queued %v; want none, and the OrderPlaced in catalog's queue", doc.Items, doc.Queued)
		}

		setMode(t, proxy, faultproxy.Pass)
		within(t, faultDeadline, "order confirmed", func() string {
			if got := orderStatus(t, in.url, token, id); got != "confirmed" {
				return "status " + got
			}
			return ""
		})
		within(t, faultDeadline, "the bus drained", drained(t, in.url))
		if got, _ := getProduct(t, in.url, p); got.Stock != 3 {
			t.Errorf("stock %d after confirming 2 of 5, want 3", got.Stock)
		}
	})

	t.Run("poison", func(t *testing.T) {
		token := tokens[1]
		p := newStockedProduct(t, in.url, admin, 5)
		putInCart(t, in.url, token, p, 1)

		setMode(t, proxy, faultproxy.Refuse)
		defer setMode(t, proxy, faultproxy.Pass)
		id := placeOrder(t, in.url, token)
		if t.Failed() {
			t.FailNow()
		}
		var dead bus.DeadLetter
		within(t, faultDeadline, "the OrderPlaced a dead letter", func() string {
			doc := deadLetters(t, in.url)
			for _, d := range doc.Items {
				if d.Consumer == "catalog" && d.Event.Type == "OrderPlaced" && d.Event.Subject == id {
					dead = d
					return ""
				}
			}
			return fmt.Sprintf("dead letters %+v, queued %v", doc.Items, doc.Queued)
		})
		t.Logf("dead letter %s after %d attempts: %s", dead.ID, dead.Attempts, dead.LastError)
		if dead.Attempts != storeFaultsPolicy.Attempts || dead.LastError == "" {
			t.Errorf("dead letter after %d attempts with error %q, want %d attempts and the last error", dead.Attempts, dead.LastError, storeFaultsPolicy.Attempts)
		}

		// The fix: the store is back. The dead letter waits for its redrive.
		setMode(t, proxy, faultproxy.Pass)
		within(t, faultDeadline, "catalog answering", func() string {
			if r := callAt(t, in.url, http.MethodGet, "/v1/products/"+p, "", nil); r.status != http.StatusOK {
				return fmt.Sprintf("%d %s", r.status, r.body)
			}
			return ""
		})
		if got := orderStatus(t, in.url, token, id); got != "pending" {
			t.Errorf("before the redrive the order is %s, want pending", got)
		}

		if n := redrive(t, in.url, "?consumer=catalog&eventId="+dead.Event.ID); n != 1 {
			t.Errorf("the redrive moved %d dead letters, want 1", n)
		}
		within(t, faultDeadline, "order confirmed", func() string {
			if got := orderStatus(t, in.url, token, id); got != "confirmed" {
				return "status " + got
			}
			return ""
		})
		within(t, faultDeadline, "the bus drained", drained(t, in.url))
		if n := redrive(t, in.url, ""); n != 0 {
			t.Errorf("a second redrive moved %d dead letters, want none", n)
		}
		if got, _ := getProduct(t, in.url, p); got.Stock != 4 {
			t.Errorf("stock %d after confirming 1 of 5, want 4", got.Stock)
		}
		if got := logLines(in.stderr.String(), "event delivered", "consumer=catalog", "event_type=OrderPlaced", "subject="+id); len(got) != 1 {
			t.Errorf("the OrderPlaced was delivered to catalog %d times, want once, after the redrive:\n%v", len(got), got)
		}
	})

	// The only errors are the dead letters'.
	checkErrors(t, "make dev", in.stderr.String(), "event is a dead letter")
}

func setMode(t *testing.T, p *faultproxy.Proxy, m faultproxy.Mode) {
	t.Helper()
	if err := p.SetMode(m); err != nil {
		t.Fatal(err)
	}
}

// redrive redrives the dead letters query selects through the gateway at
// base, as `make redrive STAGE=local` does, and returns how many it moved.
func redrive(t *testing.T, base, query string) int {
	t.Helper()
	r := callAt(t, base, http.MethodPost, bus.RedrivePath+query, "", nil)
	want(t, r, http.StatusOK, "redrive")
	var doc bus.RedrivenDoc
	r.decode(t, &doc)
	return doc.Redriven
}
