// Package orderstest is the contract suite for orders.Store and the
// context's outbox.Store: every adapter runs the same tests, so the memory
// store used by handler tests behaves like the DynamoDB store used in
// production.
//
//	func TestStore(t *testing.T) {
//		orderstest.Run(t, func(t *testing.T) orderstest.Store { return memory.NewStore() })
//	}
package orderstest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/orders/internal/orders"
)

// Store is what an adapter implements: the domain's store and the outbox
// the relay reads.
type Store interface {
	orders.Store
	outbox.Store
}

// Sizes of the concurrency tests.
const (
	cartWorkers      = 20
	placementWorkers = 50
)

// salts holds one random salt per running test (testing.TB → string), so
// that its tokens differ from those of every other run of it on the same
// server: earlier processes, and the repeats of go test -count (see
// requestToken).
var salts sync.Map

// requestToken returns the claim token named name for customer's key in
// test t. Tokens are ClientRequestTokens in DynamoDB, which remembers a
// token with its transaction for ten minutes across every table and
// rejects a token reused for another transaction
// (IdempotentParameterMismatchException), as the service's tokens, random
// per request, never are. So a fixture's token stands for one request only
// within one test, customer and key: the same name there gives the same
// token, and nothing else does. DynamoDB limits tokens to 36 characters.
func requestToken(t testing.TB, customer, key, name string) string {
	salt, loaded := salts.LoadOrStore(t, rand.Text())
	if !loaded {
		t.Cleanup(func() { salts.Delete(t) })
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{salt.(string), customer, key, name}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// now is the suite's clock: UTC, to the millisecond, as the service gives
// it to stores.
var now = time.Date(2025, 3, 14, 15, 9, 26, 535000000, time.UTC)

// Run runs the contract suite. newStore returns an empty store for one
// subtest; the subtests run in parallel, each on a store of its own.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	tests := []struct {
		name string
		test func(*testing.T, Store)
	}{
		{"EmptyCart", testEmptyCart},
		{"UpdateCart", testUpdateCart},
		{"UpdateCartError", testUpdateCartError},
		{"CartsArePerCustomer", testCartsArePerCustomer},
		{"ClaimKey", testClaimKey},
		{"ClaimTakesOverAbandonedClaim", testClaimTakeover},
		{"ClaimExpiredKey", testClaimExpiredKey},
		{"PlaceOrder", testPlaceOrder},
		{"PlaceOrderCartChanged", testPlaceOrderCartChanged},
		{"PlaceOrderClaimLost", testPlaceOrderClaimLost},
		{"OrderNotFound", testOrderNotFound},
		{"Pagination", testPagination},
		{"UpdateOrder", testUpdateOrder},
		{"ConcurrentCartUpdates", testConcurrentCartUpdates},
		{"ConcurrentPlacementsWithOneKey", testConcurrentPlacements},
		{"OutboxWithPlacement", testOutboxWithPlacement},
		{"NoOutboxWithoutChange", testNoOutboxWithoutChange},
		{"OutboxPendingAndRemove", testOutboxPendingAndRemove},
		{"UpdateOrderRecordsEvent", testUpdateOrderRecordsEvent},
		{"ProductProjection", testProductProjection},
		{"ProductsManyAtOnce", testProductsManyAtOnce},
		{"CartAndPlacementUseProjection", testCartAndPlacementUseProjection},
		{"Saga", testSaga},
		{"SagaLateAndDuplicateEvents", testSagaLateAndDuplicateEvents},
		{"CancelConfirmed", testCancelConfirmed},
		{"SagaRejectionReasons", testSagaRejectionReasons},
		{"ConsumerHandlesEveryExample", testConsumerExamples},
		{"StockReservedRacesCancel", testStockReservedRacesCancel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, newStore(t))
		})
	}
}

func testEmptyCart(t *testing.T, s Store) {
	c, err := s.Cart(t.Context(), "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	if c.CustomerID != "alice" || c.Version != 0 || len(c.Lines) != 0 {
		t.Errorf("Cart of a new customer = %+v, want an empty cart of alice at version 0", c)
	}
}

func testUpdateCart(t *testing.T, s Store) {
	ctx := t.Context()
	mustSetItem(t, s, "alice", product(1), 2)
	mustSetItem(t, s, "alice", product(2), 1)
	got := mustSetItem(t, s, "alice", product(1), 5)
	want := []orders.Line{line(1, 5), line(2, 1)}
	checkCart(t, got, 3, want)
	read, err := s.Cart(ctx, "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	checkCart(t, read, 3, want)
	if !read.UpdatedAt.Equal(now) {
		t.Errorf("UpdatedAt = %v, want %v", read.UpdatedAt, now)
	}

	got, err = s.UpdateCart(ctx, "alice", func(c *orders.Cart) error { c.RemoveItem(product(1).ID, now); return nil })
	if err != nil {
		t.Fatalf("UpdateCart: %v", err)
	}
	checkCart(t, got, 4, []orders.Line{line(2, 1)})
}

func testUpdateCartError(t *testing.T, s Store) {
	mustSetItem(t, s, "alice", product(1), 2)
	errStop := errors.New("stop")
	_, err := s.UpdateCart(t.Context(), "alice", func(c *orders.Cart) error {
		_ = c.SetItem(product(2), 1, now)
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("UpdateCart with a failing update: got %v, want %v", err, errStop)
	}
	c, err := s.Cart(t.Context(), "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	checkCart(t, c, 1, []orders.Line{line(1, 2)})
}

func testCartsArePerCustomer(t *testing.T, s Store) {
	mustSetItem(t, s, "alice", product(1), 2)
	mustSetItem(t, s, "bob", product(2), 3)
	for customer, want := range map[string][]orders.Line{"alice": {line(1, 2)}, "bob": {line(2, 3)}} {
		c, err := s.Cart(t.Context(), customer)
		if err != nil {
			t.Fatalf("Cart(%s): %v", customer, err)
		}
		checkCart(t, c, 1, want)
	}
}

func testClaimKey(t *testing.T, s Store) {
	ctx := t.Context()
	first := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	mustClaim(t, s, first)

	for _, tt := range []struct {
		name string
		c    orders.Claim
		want error
	}{
		{"same request in progress", claim(t, "alice", "key-1", "hash-a", "token-2", now.Add(time.Second)), &orders.KeyInProgressError{RetryAfter: orders.DefaultClaimLease - time.Second}},
		{"different request", claim(t, "alice", "key-1", "hash-b", "token-2", now.Add(time.Second)), orders.ErrKeyReused},
	} {
		_, _, err := s.ClaimKey(ctx, tt.c)
		if inProgress, ok := tt.want.(*orders.KeyInProgressError); ok {
			if got, ok := errors.AsType[*orders.KeyInProgressError](err); !ok || *got != *inProgress {
				t.Errorf("%s: ClaimKey = %v, want %v", tt.name, err, tt.want)
			}
		} else if !errors.Is(err, tt.want) {
			t.Errorf("%s: ClaimKey = %v, want %v", tt.name, err, tt.want)
		}
	}
	mustClaim(t, s, claim(t, "bob", "key-1", "hash-b", "token-3", now))   // keys are per customer
	mustClaim(t, s, claim(t, "alice", "key-2", "hash-b", "token-4", now)) // another key

	// Releasing someone else's claim does nothing; releasing one's own
	// frees the key, for any request.
	if err := s.ReleaseKey(ctx, claim(t, "alice", "key-1", "hash-a", "token-2", now)); err != nil {
		t.Fatalf("ReleaseKey of another token: %v", err)
	}
	if _, _, err := s.ClaimKey(ctx, claim(t, "alice", "key-1", "hash-a", "token-5", now)); !errors.Is(err, orders.ErrKeyInProgress) {
		t.Errorf("ClaimKey after another token's release = %v, want %v", err, orders.ErrKeyInProgress)
	}
	if err := s.ReleaseKey(ctx, first); err != nil {
		t.Fatalf("ReleaseKey: %v", err)
	}
	mustClaim(t, s, claim(t, "alice", "key-1", "hash-c", "token-6", now))
}

func testClaimTakeover(t *testing.T, s Store) {
	const lease = 12 * time.Second
	first := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	first.Lease = lease
	mustClaim(t, s, first)

	// Until the lease ends the key is in progress, and the error says for
	// how much longer.
	for _, elapsed := range []time.Duration{0, 4500 * time.Millisecond, lease - time.Millisecond} {
		_, _, err := s.ClaimKey(t.Context(), claim(t, "alice", "key-1", "hash-a", "token-2", now.Add(elapsed)))
		var inProgress *orders.KeyInProgressError
		if !errors.As(err, &inProgress) {
			t.Fatalf("ClaimKey %v into a %v lease = %v, want %v", elapsed, lease, err, orders.ErrKeyInProgress)
		}
		if got, want := inProgress.RetryAfter, max(lease-elapsed, time.Millisecond); got != want {
			t.Errorf("ClaimKey %v into a %v lease: RetryAfter = %v, want %v", elapsed, lease, got, want)
		}
	}

	later := now.Add(lease)
	if _, _, err := s.ClaimKey(t.Context(), claim(t, "alice", "key-1", "hash-b", "token-2", later)); !errors.Is(err, orders.ErrKeyReused) {
		t.Errorf("ClaimKey with another body after the claim timed out = %v, want %v", err, orders.ErrKeyReused)
	}

	// Of concurrent takers exactly one wins; the others see its claim.
	const takers = 10
	won := make([]bool, takers)
	errs := make([]error, takers)
	var wg sync.WaitGroup
	for i := range takers {
		wg.Go(func() {
			c := claim(t, "alice", "key-1", "hash-a", fmt.Sprintf("taker-%d", i), later)
			_, replayed, err := s.ClaimKey(t.Context(), c)
			won[i], errs[i] = err == nil && !replayed, err
		})
	}
	wg.Wait()
	winner := -1
	for i := range takers {
		switch {
		case won[i] && winner >= 0:
			t.Fatalf("takers %d and %d both took over the key", winner, i)
		case won[i]:
			winner = i
		case !errors.Is(errs[i], orders.ErrKeyInProgress):
			t.Errorf("taker %d: ClaimKey = %v, want a claim or %v", i, errs[i], orders.ErrKeyInProgress)
		}
	}
	if winner < 0 {
		t.Fatalf("no taker took over the key: %v", errs)
	}
	taker := claim(t, "alice", "key-1", "hash-a", fmt.Sprintf("taker-%d", winner), later)

	// The first claim is lost: it can neither complete nor release.
	cart := mustSetItem(t, s, "alice", product(1), 1)
	p := placement(t, "alice", 1, cart.Version, first)
	if err := s.PlaceOrder(t.Context(), p); !errors.Is(err, orders.ErrClaimLost) {
		t.Errorf("PlaceOrder with a claim taken over = %v, want %v", err, orders.ErrClaimLost)
	}
	if err := s.ReleaseKey(t.Context(), p.Claim); err != nil {
		t.Fatalf("ReleaseKey: %v", err)
	}
	p.Claim = taker
	if err := s.PlaceOrder(t.Context(), p); err != nil {
		t.Errorf("PlaceOrder with the new claim: %v", err)
	}
}

func testClaimExpiredKey(t *testing.T, s Store) {
	c := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	mustClaim(t, s, c)
	cart := mustSetItem(t, s, "alice", product(1), 1)
	mustPlace(t, s, placement(t, "alice", 1, cart.Version, c))
	later := claim(t, "alice", "key-1", "hash-b", "token-2", now.Add(orders.KeyRetention+time.Second))
	mustClaim(t, s, later)
}

func testPlaceOrder(t *testing.T, s Store) {
	ctx := t.Context()
	mustSetItem(t, s, "alice", product(1), 2)
	cart := mustSetItem(t, s, "alice", product(2), 1)
	c := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	mustClaim(t, s, c)
	p := placement(t, "alice", 1, cart.Version, c)
	mustPlace(t, s, p)

	got, err := s.Order(ctx, "alice", p.Order.ID)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	checkOrder(t, got, p.Order)

	after, err := s.Cart(ctx, "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	checkCart(t, after, cart.Version+1, nil)

	res, replayed, err := s.ClaimKey(ctx, claim(t, "alice", "key-1", "hash-a", "token-2", now.Add(time.Hour)))
	if err != nil || !replayed || res.Status != p.Response.Status || !bytes.Equal(res.Body, p.Response.Body) {
		t.Errorf("ClaimKey of a completed key = %d %q, %v, %v; want %d %q, true, nil",
			res.Status, res.Body, replayed, err, p.Response.Status, p.Response.Body)
	}
	if _, _, err := s.ClaimKey(ctx, claim(t, "alice", "key-1", "hash-b", "token-2", now.Add(time.Hour))); !errors.Is(err, orders.ErrKeyReused) {
		t.Errorf("ClaimKey of a completed key with another body = %v, want %v", err, orders.ErrKeyReused)
	}
}

func testPlaceOrderCartChanged(t *testing.T, s Store) {
	ctx := t.Context()
	cart := mustSetItem(t, s, "alice", product(1), 2)
	c := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	mustClaim(t, s, c)
	p := placement(t, "alice", 1, cart.Version, c)
	mustSetItem(t, s, "alice", product(2), 1) // the cart changes meanwhile

	if err := s.PlaceOrder(ctx, p); !errors.Is(err, orders.ErrConflict) {
		t.Fatalf("PlaceOrder from a changed cart = %v, want %v", err, orders.ErrConflict)
	}
	checkNoOrder(t, s, "alice", p.Order.ID)
	if _, _, err := s.ClaimKey(ctx, claim(t, "alice", "key-1", "hash-a", "token-2", now)); !errors.Is(err, orders.ErrKeyInProgress) {
		t.Errorf("the key after a failed placement: ClaimKey = %v, want %v", err, orders.ErrKeyInProgress)
	}
	after, err := s.Cart(ctx, "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	checkCart(t, after, cart.Version+1, []orders.Line{line(1, 2), line(2, 1)})
}

func testPlaceOrderClaimLost(t *testing.T, s Store) {
	cart := mustSetItem(t, s, "alice", product(1), 2)
	p := placement(t, "alice", 1, cart.Version, claim(t, "alice", "key-1", "hash-a", "token-1", now)) // never claimed
	if err := s.PlaceOrder(t.Context(), p); !errors.Is(err, orders.ErrClaimLost) {
		t.Fatalf("PlaceOrder without a claim = %v, want %v", err, orders.ErrClaimLost)
	}
	checkNoOrder(t, s, "alice", p.Order.ID)
	after, err := s.Cart(t.Context(), "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	checkCart(t, after, cart.Version, []orders.Line{line(1, 2)})
}

func testOrderNotFound(t *testing.T, s Store) {
	p := mustPlaceNew(t, s, "alice", 1)
	checkNoOrder(t, s, "bob", p.Order.ID)
	checkNoOrder(t, s, "alice", orderID(2))
	page, err := s.Orders(t.Context(), orders.Query{CustomerID: "bob", Limit: 10})
	if err != nil || len(page.Orders) != 0 || page.Next != "" {
		t.Errorf("Orders of bob = %+v, %v; want an empty last page", page, err)
	}
}

func testPagination(t *testing.T, s Store) {
	ctx := t.Context()
	var want []string // newest first
	for n := range 25 {
		p := mustPlaceNew(t, s, "alice", n+1)
		want = slices.Insert(want, 0, p.Order.ID)
	}
	mustPlaceNew(t, s, "bob", 26)

	var got []string
	q := orders.Query{CustomerID: "alice", Limit: 10}
	for pages := 1; ; pages++ {
		page, err := s.Orders(ctx, q)
		if err != nil {
			t.Fatalf("Orders(%+v): %v", q, err)
		}
		for _, o := range page.Orders {
			got = append(got, o.ID)
		}
		if page.Next == "" {
			if pages != 3 || len(page.Orders) != 5 {
				t.Errorf("last page is page %d with %d orders, want page 3 with 5", pages, len(page.Orders))
			}
			break
		}
		if last := page.Orders[len(page.Orders)-1].ID; len(page.Orders) != q.Limit || page.Next != last {
			t.Errorf("page %d: %d orders and Next %q, want %d and the last ID %q", pages, len(page.Orders), page.Next, q.Limit, last)
		}
		if pages > 3 {
			t.Fatal("more than 3 pages of 10 for 25 orders")
		}
		q.After = page.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("walking every page: got IDs\n%v\nwant, newest first,\n%v", got, want)
	}

	page, err := s.Orders(ctx, orders.Query{CustomerID: "alice", Limit: 25})
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	if len(page.Orders) != 25 || page.Next != "" {
		t.Errorf("limit 25 of 25: got %d orders and Next %q, want 25 and \"\"", len(page.Orders), page.Next)
	}
	first := page.Orders[24]
	if first.Items != 3 || first.Total != (orders.Money{Amount: 3 * 1000, Currency: "EUR"}) || first.Status != orders.StatusPending || !first.Cancellation.IsZero() || !first.PlacedAt.Equal(now) {
		t.Errorf("summary = %+v, want 3 items, 30.00 EUR, pending, placed at %v", first, now)
	}
}

// cancelAt is an update that cancels an order as c says at the given
// time, with no event.
func cancelAt(customer, id string, c orders.Cancellation, at time.Time) orders.OrderUpdate {
	return orders.OrderUpdate{CustomerID: customer, ID: id,
		Update: func(o *orders.Order) ([]event.Envelope, error) { return nil, o.Cancel(c, at) }}
}

func testUpdateOrder(t *testing.T, s Store) {
	ctx := t.Context()
	later := now.Add(time.Minute)
	for n, c := range []orders.Cancellation{
		orders.ByCustomer(),
		orders.StockRejected(orders.StockInsufficient),
		orders.StockRejected(orders.StockProductUnavailable),
		orders.StockRejected(orders.StockUnknownProduct),
		orders.StockRejected("a_reason_catalog_added_later"),
	} {
		p := mustPlaceNew(t, s, "alice", n+1)
		got, _, err := s.UpdateOrder(ctx, cancelAt("alice", p.Order.ID, c, later))
		if err != nil {
			t.Fatalf("UpdateOrder cancelling %+v: %v", c, err)
		}
		want := p.Order
		want.Status, want.Cancellation, want.UpdatedAt, want.Version = orders.StatusCancelled, c, later, 2
		checkOrder(t, got, want)
		read, err := s.Order(ctx, "alice", p.Order.ID)
		if err != nil {
			t.Fatalf("Order: %v", err)
		}
		checkOrder(t, read, want)
	}
	page, err := s.Orders(ctx, orders.Query{CustomerID: "alice", Limit: 10})
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	var reasons []orders.Cancellation
	for _, o := range page.Orders {
		reasons = append(reasons, o.Cancellation)
	}
	wantReasons := []orders.Cancellation{ // newest first
		{Reason: orders.CancelledNoStock},
		{Reason: orders.CancelledNoStock, Stock: orders.StockUnknownProduct},
		{Reason: orders.CancelledNoStock, Stock: orders.StockProductUnavailable},
		{Reason: orders.CancelledNoStock, Stock: orders.StockInsufficient},
		{Reason: orders.CancelledByCustomer},
	}
	if !slices.Equal(reasons, wantReasons) {
		t.Errorf("the summaries' cancellations are %+v, want %+v", reasons, wantReasons)
	}

	// Cancelling again fails and keeps the first cancellation.
	first := mustPlaceNew(t, s, "alice", 9)
	if _, _, err := s.UpdateOrder(ctx, cancelAt("alice", first.Order.ID, orders.StockRejected(orders.StockInsufficient), later)); err != nil {
		t.Fatalf("UpdateOrder: %v", err)
	}
	_, _, err = s.UpdateOrder(ctx, cancelAt("alice", first.Order.ID, orders.ByCustomer(), later))
	if !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("cancelling twice = %v, want %v", err, orders.ErrNotCancellable)
	}
	if got := mustOrder(t, s, "alice", first.Order.ID); got.Cancellation != orders.StockRejected(orders.StockInsufficient) || got.Version != 2 {
		t.Errorf("after a second cancel the order is v%d cancelled %+v, want v2 as first cancelled", got.Version, got.Cancellation)
	}
	_, _, err = s.UpdateOrder(ctx, cancelAt("bob", first.Order.ID, orders.ByCustomer(), later))
	if !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("cancelling another customer's order = %v, want %v", err, orders.ErrNotFound)
	}

	// Other changes keep no cancellation.
	confirmed := mustPlaceNew(t, s, "alice", 10)
	got, _, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "alice", ID: confirmed.Order.ID,
		Update: func(o *orders.Order) ([]event.Envelope, error) { return nil, o.Confirm(later) }})
	if err != nil || got.Status != orders.StatusConfirmed || !got.Cancellation.IsZero() {
		t.Errorf("UpdateOrder confirming = %s %+v, %v; want confirmed with no cancellation", got.Status, got.Cancellation, err)
	}
	if got := mustOrder(t, s, "alice", confirmed.Order.ID); !got.Cancellation.IsZero() {
		t.Errorf("a confirmed order reads back with cancellation %+v, want none", got.Cancellation)
	}
}

func testConcurrentCartUpdates(t *testing.T, s Store) {
	var wg sync.WaitGroup
	errs := make([]error, cartWorkers)
	for i := range cartWorkers {
		wg.Go(func() {
			_, errs[i] = s.UpdateCart(t.Context(), "alice", func(c *orders.Cart) error {
				return c.SetItem(product(i+1), i+1, now)
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent UpdateCart: %v", err)
	}
	c, err := s.Cart(t.Context(), "alice")
	if err != nil {
		t.Fatalf("Cart: %v", err)
	}
	if len(c.Lines) != cartWorkers || c.Version != cartWorkers {
		t.Fatalf("after %d concurrent updates: %d lines at version %d, want %d at version %d",
			cartWorkers, len(c.Lines), c.Version, cartWorkers, cartWorkers)
	}
	for _, l := range c.Lines {
		var n int
		if _, err := fmt.Sscanf(l.ProductID, "product-%d", &n); err != nil || l.Quantity != n {
			t.Errorf("line %+v: want quantity %d", l, n)
		}
	}
}

// testConcurrentPlacements places an order through the service 50 times
// at once with one idempotency key: exactly one order is created, every
// other request either replays its response or is told the key is in use.
func testConcurrentPlacements(t *testing.T, s Store) {
	ctx := t.Context()
	svc := orders.NewService(s)
	for n := 1; n <= 3; n++ {
		mustProductEvent(t, svc, orders.TypeProductCreated, product(n), 1)
	}
	for n := 1; n <= 3; n++ {
		if _, err := svc.SetCartItem(ctx, "alice", product(n).ID, n); err != nil {
			t.Fatalf("SetCartItem: %v", err)
		}
	}
	req := orders.PlaceOrder{
		CustomerID: "alice", IdempotencyKey: "3f0d9a52-5d4f-4c6e-9a57-2b8e4c1d7e60", RequestHash: "hash-a",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"},
	}
	respond := func(o orders.Order) (orders.Response, error) {
		return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
	}

	type result struct {
		res      orders.Response
		replayed bool
		err      error
	}
	results := make([]result, placementWorkers)
	var wg sync.WaitGroup
	for i := range placementWorkers {
		wg.Go(func() {
			r := &results[i]
			r.res, r.replayed, r.err = svc.PlaceOrder(ctx, req, respond)
		})
	}
	wg.Wait()

	page, err := s.Orders(ctx, orders.Query{CustomerID: "alice", Limit: orders.MaxLimit})
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	if len(page.Orders) != 1 {
		t.Fatalf("%d concurrent placements with one key created %d orders, want 1", placementWorkers, len(page.Orders))
	}
	id := page.Orders[0].ID
	placed := 0
	for _, r := range results {
		switch {
		case r.err != nil && !errors.Is(r.err, orders.ErrKeyInProgress):
			t.Errorf("PlaceOrder: %v, want nil or %v", r.err, orders.ErrKeyInProgress)
		case r.err == nil && string(r.res.Body) != id:
			t.Errorf("PlaceOrder responded %q, want the order %s", r.res.Body, id)
		case r.err == nil && !r.replayed:
			placed++
		}
	}
	if placed != 1 {
		t.Errorf("%d requests placed an order, want 1", placed)
	}
	o, err := s.Order(ctx, "alice", id)
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if len(o.Lines) != 3 || o.Total.Amount != 6*1000 {
		t.Errorf("order %+v, want 3 lines totalling 60.00", o)
	}
}

func product(n int) orders.Product {
	return orders.Product{
		ID: fmt.Sprintf("product-%02d", n), Name: fmt.Sprintf("Product %d", n),
		Price: orders.Money{Amount: 1000, Currency: "EUR"}, Active: true,
	}
}

func line(n, quantity int) orders.Line {
	p := product(n)
	return orders.Line{ProductID: p.ID, Name: p.Name, UnitPrice: p.Price, Quantity: quantity}
}

// orderID returns the nth order ID; IDs sort in n's order, as UUIDv7s do.
func orderID(n int) string { return fmt.Sprintf("01900000-0000-7000-8000-%012d", n) }

func claim(t testing.TB, customer, key, hash, token string, at time.Time) orders.Claim {
	return orders.Claim{CustomerID: customer, Key: key, RequestHash: hash, Token: requestToken(t, customer, key, token), Now: at}
}

// placement returns the nth order of customer, made of the lines of
// product(1)×1 and product(2)×2, under claim c.
func placement(t *testing.T, customer string, n, cartVersion int, c orders.Claim) orders.Placement {
	t.Helper()
	shipping := orders.Address{Name: "Alice Martin", Line1: "1 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "FR"}
	o, err := orders.NewOrder(orderID(n), customer, []orders.Line{line(1, 1), line(2, 2)}, shipping, now)
	if err != nil {
		t.Fatalf("NewOrder: %v", err)
	}
	return orders.Placement{Order: o, CartVersion: cartVersion, Claim: c,
		Response: orders.Response{Status: 201, Body: []byte(`{"id":"` + o.ID + `"}`)}}
}

func mustSetItem(t *testing.T, s Store, customer string, p orders.Product, quantity int) orders.Cart {
	t.Helper()
	c, err := s.UpdateCart(t.Context(), customer, func(c *orders.Cart) error { return c.SetItem(p, quantity, now) })
	if err != nil {
		t.Fatalf("UpdateCart(%s, set %s×%d): %v", customer, p.ID, quantity, err)
	}
	return c
}

func mustClaim(t *testing.T, s Store, c orders.Claim) {
	t.Helper()
	if _, replayed, err := s.ClaimKey(t.Context(), c); err != nil || replayed {
		t.Fatalf("ClaimKey(%+v) = %v, %v; want a new claim", c, replayed, err)
	}
}

func mustPlace(t *testing.T, s Store, p orders.Placement) {
	t.Helper()
	if err := s.PlaceOrder(t.Context(), p); err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
}

// mustPlaceNew places the nth order of customer from a fresh cart.
func mustPlaceNew(t *testing.T, s Store, customer string, n int) orders.Placement {
	t.Helper()
	cart := mustSetItem(t, s, customer, product(1), 1)
	c := claim(t, customer, fmt.Sprintf("key-%d", n), "hash", "token", now)
	mustClaim(t, s, c)
	p := placement(t, customer, n, cart.Version, c)
	mustPlace(t, s, p)
	return p
}

func checkCart(t *testing.T, got orders.Cart, version int, lines []orders.Line) {
	t.Helper()
	if got.Version != version || !slices.Equal(got.Lines, lines) {
		t.Errorf("cart at version %d with lines\n%+v\nwant version %d with\n%+v", got.Version, got.Lines, version, lines)
	}
}

func checkOrder(t *testing.T, got, want orders.Order) {
	t.Helper()
	if got.ID != want.ID || got.CustomerID != want.CustomerID || !slices.Equal(got.Lines, want.Lines) ||
		got.Total != want.Total || got.Shipping != want.Shipping || got.Status != want.Status || got.Cancellation != want.Cancellation ||
		!got.PlacedAt.Equal(want.PlacedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) || got.Version != want.Version {
		t.Errorf("order\n%+v\nwant\n%+v", got, want)
	}
	if got.PlacedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC {
		t.Errorf("times in %v and %v, want UTC", got.PlacedAt.Location(), got.UpdatedAt.Location())
	}
}

func checkNoOrder(t *testing.T, s Store, customer, id string) {
	t.Helper()
	if _, err := s.Order(t.Context(), customer, id); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("Order(%s, %s) = %v, want %v", customer, id, err, orders.ErrNotFound)
	}
}
