package orderstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/services/orders/internal/orders"
)

// servicesDir is the repository's services directory, found from this
// file, so that the suite reads the event contracts wherever it runs.
func servicesDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("orderstest: cannot locate the source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// eventsDir is services/orders/events, where orders' schemas are.
func eventsDir(t testing.TB) string { return filepath.Join(servicesDir(t), "orders", "events") }

// pending returns every event in the outbox.
func pending(t *testing.T, s Store) []event.Envelope {
	t.Helper()
	events, err := s.Pending(t.Context(), time.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return events
}

// types returns the types of events, in their order.
func types(events []event.Envelope) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

// newEvent returns an event of typ from source about subject with data,
// made at now.
func newEvent(t testing.TB, source, typ, subject string, data any) event.Envelope {
	t.Helper()
	e, err := event.New(context.Background(), source, typ, subject, 1, data, time.Now())
	if err != nil {
		t.Fatalf("event.New(%s): %v", typ, err)
	}
	return e
}

// productEvent returns catalog's event of typ about p at version.
func productEvent(t testing.TB, typ string, p orders.Product, version int) event.Envelope {
	status := "active"
	if !p.Active {
		status = "archived"
	}
	return newEvent(t, "catalog", typ, p.ID, map[string]any{
		"productId": p.ID, "name": p.Name, "status": status, "version": version,
		"price": map[string]any{"amount": p.Price.Amount, "currency": p.Price.Currency},
	})
}

func mustProductEvent(t *testing.T, svc *orders.Service, typ string, p orders.Product, version int) {
	t.Helper()
	if err := svc.HandleEvent(t.Context(), productEvent(t, typ, p, version)); err != nil {
		t.Fatalf("HandleEvent(%s %s v%d): %v", typ, p.ID, version, err)
	}
}

// stockEvent returns catalog's StockReserved or StockRejected (for
// insufficient stock) of an order.
func stockEvent(t testing.TB, typ, customer, orderID string) event.Envelope {
	if typ == orders.TypeStockRejected {
		return rejectedEvent(t, customer, orderID, "insufficient_stock")
	}
	return newEvent(t, "catalog", typ, orderID, map[string]any{"orderId": orderID, "customerId": customer,
		"lines": []map[string]any{{"productId": product(1).ID, "quantity": 1}}})
}

// rejectedEvent returns catalog's StockRejected of an order for reason.
func rejectedEvent(t testing.TB, customer, orderID, reason string) event.Envelope {
	return newEvent(t, "catalog", orders.TypeStockRejected, orderID, map[string]any{"orderId": orderID,
		"customerId": customer, "reason": reason, "productIds": []string{product(1).ID}})
}

func mustHandle(t *testing.T, svc *orders.Service, e event.Envelope) {
	t.Helper()
	if err := svc.HandleEvent(t.Context(), e); err != nil {
		t.Fatalf("HandleEvent(%s %s): %v", e.Type, e.ID, err)
	}
}

// placeThroughService puts product(1)×1 and product(2)×2 in customer's
// cart and places an order through svc; the products must be in the
// projection.
func placeThroughService(t *testing.T, svc *orders.Service, customer, key string) orders.Order {
	t.Helper()
	ctx := t.Context()
	for n := 1; n <= 2; n++ {
		if _, err := svc.SetCartItem(ctx, customer, product(n).ID, n); err != nil {
			t.Fatalf("SetCartItem: %v", err)
		}
	}
	res, replayed, err := svc.PlaceOrder(ctx, orders.PlaceOrder{CustomerID: customer, IdempotencyKey: key, RequestHash: "h",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}},
		func(o orders.Order) (orders.Response, error) {
			return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
		})
	if err != nil || replayed {
		t.Fatalf("PlaceOrder = replayed %t, %v", replayed, err)
	}
	o, err := svc.Order(ctx, customer, string(res.Body))
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	return o
}

// newSaga returns a service on s with product(1) and product(2) in the
// projection.
func newSaga(t *testing.T, s Store) *orders.Service {
	t.Helper()
	svc := orders.NewService(s)
	for n := 1; n <= 2; n++ {
		mustProductEvent(t, svc, orders.TypeProductCreated, product(n), 1)
	}
	return svc
}

func mustOrder(t *testing.T, s Store, customer, id string) orders.Order {
	t.Helper()
	o, err := s.Order(t.Context(), customer, id)
	if err != nil {
		t.Fatalf("Order(%s): %v", id, err)
	}
	return o
}

// decode returns the data of e as a generic JSON object.
func decode(t *testing.T, e event.Envelope) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Data, &m); err != nil {
		t.Fatalf("%s data: %v", e.Type, err)
	}
	return m
}

func testOutboxWithPlacement(t *testing.T, s Store) {
	svc := newSaga(t, s)
	ctx := event.WithCorrelationID(t.Context(), "request-1")
	if _, err := svc.SetCartItem(ctx, "alice", product(1).ID, 3); err != nil {
		t.Fatalf("SetCartItem: %v", err)
	}
	if got := pending(t, s); len(got) != 0 {
		t.Fatalf("the outbox after a cart change holds %v, want nothing", types(got))
	}
	res, _, err := svc.PlaceOrder(ctx, orders.PlaceOrder{CustomerID: "alice", IdempotencyKey: "k", RequestHash: "h",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}},
		func(o orders.Order) (orders.Response, error) {
			return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
		})
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	id := string(res.Body)
	got := pending(t, s)
	if len(got) != 1 || got[0].Type != orders.TypeOrderPlaced || got[0].Subject != id || got[0].Source != "orders" {
		t.Fatalf("the outbox after a placement holds %v, want one OrderPlaced about %s", types(got), id)
	}
	eventtest.CheckProduced(t, eventsDir(t), got...)
	if got[0].CorrelationID != "request-1" {
		t.Errorf("OrderPlaced correlationId %q, want the request's, request-1", got[0].CorrelationID)
	}
	d := decode(t, got[0])
	if d["orderId"] != id || d["customerId"] != "alice" || len(d["lines"].([]any)) != 1 {
		t.Errorf("OrderPlaced data %v, want order %s of alice with one line", d, id)
	}
	line := d["lines"].([]any)[0].(map[string]any)
	if line["productId"] != product(1).ID || line["name"] != product(1).Name || line["quantity"] != 3.0 {
		t.Errorf("OrderPlaced line %v, want 3 of %s", line, product(1).ID)
	}

	// A replay places nothing and writes no event.
	if _, replayed, err := svc.PlaceOrder(ctx, orders.PlaceOrder{CustomerID: "alice", IdempotencyKey: "k", RequestHash: "h",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}},
		func(o orders.Order) (orders.Response, error) {
			return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
		}); err != nil || !replayed {
		t.Fatalf("replayed PlaceOrder = %t, %v", replayed, err)
	}
	if got := pending(t, s); len(got) != 1 {
		t.Errorf("the outbox after a replay holds %v, want the one OrderPlaced", types(got))
	}
}

func testNoOutboxWithoutChange(t *testing.T, s Store) {
	ctx := t.Context()
	ev := newEvent(t, "orders", orders.TypeOrderPlaced, orderID(1), map[string]any{"orderId": orderID(1)})

	// A placement that fails (the cart changed, the claim is lost) writes
	// no event.
	cart := mustSetItem(t, s, "alice", product(1), 2)
	c := claim(t, "alice", "key-1", "hash-a", "token-1", now)
	mustClaim(t, s, c)
	p := placement(t, "alice", 1, cart.Version, c)
	p.Events = []event.Envelope{ev}
	mustSetItem(t, s, "alice", product(2), 1)
	if err := s.PlaceOrder(ctx, p); !errors.Is(err, orders.ErrConflict) {
		t.Fatalf("PlaceOrder from a changed cart = %v, want %v", err, orders.ErrConflict)
	}
	lost := placement(t, "alice", 2, cart.Version+1, claim(t, "alice", "key-2", "hash-a", "token-2", now))
	lost.Events = []event.Envelope{ev}
	if err := s.PlaceOrder(ctx, lost); !errors.Is(err, orders.ErrClaimLost) {
		t.Fatalf("PlaceOrder without a claim = %v, want %v", err, orders.ErrClaimLost)
	}
	if got := pending(t, s); len(got) != 0 {
		t.Fatalf("the outbox after failed placements holds %v, want nothing", types(got))
	}

	// An update that fails, or changes nothing, writes no event.
	placed := mustPlaceNew(t, s, "bob", 3)
	errStop := errors.New("stop")
	_, _, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "bob", ID: placed.Order.ID,
		Update: func(o *orders.Order) ([]event.Envelope, error) {
			_ = o.Cancel(orders.ByCustomer(), now)
			return []event.Envelope{ev}, errStop
		}})
	if !errors.Is(err, errStop) {
		t.Fatalf("UpdateOrder with a failing update = %v, want %v", err, errStop)
	}
	o, events, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "bob", ID: placed.Order.ID,
		Update: func(*orders.Order) ([]event.Envelope, error) { return nil, nil }})
	if err != nil || len(events) != 0 || o.Version != 1 || o.Status != orders.StatusPending {
		t.Fatalf("UpdateOrder changing nothing = version %d %s, %d events, %v; want version 1 pending, none, nil", o.Version, o.Status, len(events), err)
	}
	if got := pending(t, s); len(got) != 0 {
		t.Fatalf("the outbox after updates that changed nothing holds %v, want nothing", types(got))
	}

	// A change writes its events, and the store returns them.
	o, events, err = s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "bob", ID: placed.Order.ID,
		Update: func(o *orders.Order) ([]event.Envelope, error) {
			return []event.Envelope{ev}, o.Cancel(orders.ByCustomer(), now)
		}})
	if err != nil || o.Status != orders.StatusCancelled || len(events) != 1 || events[0].ID != ev.ID {
		t.Fatalf("UpdateOrder = %s, %d events, %v; want cancelled with its event", o.Status, len(events), err)
	}
	if got := pending(t, s); len(got) != 1 || got[0].ID != ev.ID {
		t.Fatalf("the outbox after a change holds %v, want its one event", types(got))
	}
}

func testOutboxPendingAndRemove(t *testing.T, s Store) {
	ctx := t.Context()
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var all []event.Envelope
	// 30 events, a millisecond apart, each a placement's of its own.
	for i := range 30 {
		at := base.Add(time.Duration(i) * time.Millisecond)
		e, err := event.New(ctx, "orders", orders.TypeOrderPlaced, orderID(i+1), 1, map[string]any{"n": i}, at)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, e)
	}
	for i, e := range all {
		cart := mustSetItem(t, s, "alice", product(1), 1)
		c := claim(t, "alice", fmt.Sprintf("key-%d", i), "hash", "token", now)
		mustClaim(t, s, c)
		p := placement(t, "alice", i+1, cart.Version, c)
		p.Events = []event.Envelope{e}
		mustPlace(t, s, p)
	}
	ids := func(events []event.Envelope) []string {
		var out []string
		for _, e := range events {
			out = append(out, e.ID)
		}
		return out
	}
	want := ids(all) // oldest first

	got, err := s.Pending(ctx, base.Add(20*time.Millisecond), 100)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if !slices.Equal(ids(got), want[:20]) {
		t.Errorf("Pending before the 21st event's millisecond = %d events, want the 20 older, oldest first", len(got))
	}
	got, err = s.Pending(ctx, base.Add(time.Hour), 7)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if !slices.Equal(ids(got), want[:7]) {
		t.Errorf("Pending with limit 7 = %v, want the 7 oldest %v", ids(got), want[:7])
	}
	if got[0].Type != orders.TypeOrderPlaced || string(got[0].Data) != string(all[0].Data) || !got[0].Time.Equal(all[0].Time) {
		t.Errorf("Pending returned %+v, want the event as written %+v", got[0], all[0])
	}
	if err := s.Remove(ctx, append(want[:25:25], "01900000-0000-7000-8000-000000000000")); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if err := s.Remove(ctx, want[:5]); err != nil {
		t.Fatalf("Remove of events already removed: %v", err)
	}
	if got := ids(pending(t, s)); !slices.Equal(got, want[25:]) {
		t.Errorf("after removing 25: %v, want %v", got, want[25:])
	}
}

func testUpdateOrderRecordsEvent(t *testing.T, s Store) {
	ctx := t.Context()
	p := mustPlaceNew(t, s, "alice", 1)
	processed := orders.Processed{EventID: newEvent(t, "catalog", "StockReserved", p.Order.ID, map[string]any{}).ID, At: now}
	confirm := func(o *orders.Order) ([]event.Envelope, error) { return nil, o.Confirm(now) }
	o, _, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "alice", ID: p.Order.ID, Event: &processed, Update: confirm})
	if err != nil || o.Status != orders.StatusConfirmed || o.Version != 2 {
		t.Fatalf("UpdateOrder as an event's effect = %s v%d, %v; want confirmed v2", o.Status, o.Version, err)
	}
	// The same event again changes nothing, even when its update would.
	_, _, err = s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "alice", ID: p.Order.ID, Event: &processed,
		Update: func(o *orders.Order) ([]event.Envelope, error) { return nil, o.Cancel(orders.ByCustomer(), now) }})
	if !errors.Is(err, orders.ErrAlreadyProcessed) {
		t.Fatalf("UpdateOrder with an event processed before = %v, want %v", err, orders.ErrAlreadyProcessed)
	}
	// An event with no effect is still recorded.
	late := orders.Processed{EventID: newEvent(t, "catalog", "StockReserved", p.Order.ID, map[string]any{}).ID, At: now}
	noop := func(*orders.Order) ([]event.Envelope, error) { return nil, nil }
	if _, _, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "alice", ID: p.Order.ID, Event: &late, Update: noop}); err != nil {
		t.Fatalf("UpdateOrder recording an event without effect: %v", err)
	}
	if _, _, err := s.UpdateOrder(ctx, orders.OrderUpdate{CustomerID: "alice", ID: p.Order.ID, Event: &late, Update: noop}); !errors.Is(err, orders.ErrAlreadyProcessed) {
		t.Errorf("UpdateOrder with an event recorded without effect = %v, want %v", err, orders.ErrAlreadyProcessed)
	}
	if o := mustOrder(t, s, "alice", p.Order.ID); o.Status != orders.StatusConfirmed || o.Version != 2 {
		t.Errorf("order %s v%d, want confirmed v2", o.Status, o.Version)
	}
}

func testProductProjection(t *testing.T, s Store) {
	ctx := t.Context()
	p := product(1)
	save := func(p orders.Product, version int) bool {
		t.Helper()
		p.Version = version
		ok, err := s.SaveProduct(ctx, orders.Processed{EventID: productEvent(t, "ProductChanged", p, version).ID, At: now}, p)
		if err != nil {
			t.Fatalf("SaveProduct v%d: %v", version, err)
		}
		return ok
	}
	read := func() (orders.Product, bool) {
		t.Helper()
		ps, err := s.Products(ctx, []string{p.ID, "unknown"})
		if err != nil {
			t.Fatalf("Products: %v", err)
		}
		if _, ok := ps["unknown"]; ok || len(ps) > 1 {
			t.Errorf("Products of an unknown product = %+v, want it absent", ps)
		}
		got, ok := ps[p.ID]
		return got, ok
	}
	if _, ok := read(); ok {
		t.Fatal("a product before any event is known")
	}
	renamed := p
	renamed.Name, renamed.Price = "Renamed", orders.Money{Amount: 1500, Currency: "EUR"}
	archived := p
	archived.Active = false
	if !save(p, 2) || !save(renamed, 5) {
		t.Fatal("SaveProduct of newer versions stored nothing")
	}
	if save(archived, 4) || save(archived, 5) || save(p, 1) {
		t.Error("SaveProduct of an older or equal version stored it")
	}
	got, ok := read()
	renamed.Version = 5
	if !ok || got != renamed {
		t.Errorf("the projection holds %+v, want the newest %+v", got, renamed)
	}
	if !save(archived, 6) {
		t.Fatal("SaveProduct of an archived product's newer version stored nothing")
	}
	archived.Version = 6
	if got, _ := read(); got != archived {
		t.Errorf("the projection holds %+v, want %+v", got, archived)
	}

	// A duplicate of an event changes nothing, even one that would.
	e := orders.Processed{EventID: productEvent(t, "ProductChanged", p, 7).ID, At: now}
	first := product(2)
	first.Version = 1
	if ok, err := s.SaveProduct(ctx, e, first); err != nil || !ok {
		t.Fatalf("SaveProduct = %t, %v", ok, err)
	}
	again := first
	again.Version, again.Name = 2, "Changed by a duplicate"
	if ok, err := s.SaveProduct(ctx, e, again); err != nil || ok {
		t.Errorf("SaveProduct of a duplicate event = %t, %v; want false, nil", ok, err)
	}
	if ps, _ := s.Products(ctx, []string{first.ID, first.ID}); ps[first.ID] != first {
		t.Errorf("after a duplicate the projection holds %+v, want %+v", ps[first.ID], first)
	}
}

func testProductsManyAtOnce(t *testing.T, s Store) {
	ctx := t.Context()
	var ids []string
	for n := 1; n <= 130; n++ { // more than one BatchGetItem takes
		p := product(n)
		p.Version = 1
		if _, err := s.SaveProduct(ctx, orders.Processed{EventID: productEvent(t, "ProductCreated", p, 1).ID, At: now}, p); err != nil {
			t.Fatalf("SaveProduct: %v", err)
		}
		ids = append(ids, p.ID)
	}
	ps, err := s.Products(ctx, append(ids, "unknown"))
	if err != nil || len(ps) != 130 {
		t.Fatalf("Products of 130 known and 1 unknown = %d products, %v; want 130", len(ps), err)
	}
}

func testCartAndPlacementUseProjection(t *testing.T, s Store) {
	ctx := t.Context()
	svc := orders.NewService(s)
	if _, err := svc.SetCartItem(ctx, "alice", product(1).ID, 1); !errors.Is(err, orders.ErrUnknownProduct) {
		t.Fatalf("SetCartItem of a product no event announced = %v, want %v", err, orders.ErrUnknownProduct)
	}
	mustProductEvent(t, svc, orders.TypeProductCreated, product(1), 1)
	mustProductEvent(t, svc, orders.TypeProductCreated, product(2), 1)
	c, err := svc.SetCartItem(ctx, "alice", product(1).ID, 2)
	if err != nil || !slices.Equal(c.Lines, []orders.Line{line(1, 2)}) {
		t.Fatalf("SetCartItem = %+v, %v; want 2 of product 1 at its projected price", c.Lines, err)
	}
	if _, err := svc.SetCartItem(ctx, "alice", product(2).ID, 1); err != nil {
		t.Fatalf("SetCartItem: %v", err)
	}

	// The price changes, then product 2 is archived: placement prices from
	// the newest versions and refuses the archived product.
	dearer := product(1)
	dearer.Price.Amount = 1700
	mustProductEvent(t, svc, orders.TypeProductChanged, dearer, 2)
	archived := product(2)
	archived.Active = false
	mustProductEvent(t, svc, orders.TypeProductArchived, archived, 2)
	mustProductEvent(t, svc, orders.TypeProductChanged, product(2), 1) // late, older: ignored
	req := orders.PlaceOrder{CustomerID: "alice", IdempotencyKey: "k", RequestHash: "h",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}}
	respond := func(o orders.Order) (orders.Response, error) {
		return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
	}
	if _, _, err := svc.PlaceOrder(ctx, req, respond); !errors.Is(err, orders.ErrProductUnavailable) {
		t.Fatalf("PlaceOrder with an archived product = %v, want %v", err, orders.ErrProductUnavailable)
	}
	if _, err := svc.SetCartItem(ctx, "alice", product(2).ID, 3); !errors.Is(err, orders.ErrProductUnavailable) {
		t.Errorf("SetCartItem of an archived product = %v, want %v", err, orders.ErrProductUnavailable)
	}
	if _, err := svc.RemoveCartItem(ctx, "alice", product(2).ID); err != nil {
		t.Fatalf("RemoveCartItem: %v", err)
	}
	res, _, err := svc.PlaceOrder(ctx, req, respond)
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	o := mustOrder(t, s, "alice", string(res.Body))
	if len(o.Lines) != 1 || o.Lines[0].UnitPrice.Amount != 1700 || o.Total.Amount != 3400 {
		t.Errorf("order lines %+v total %+v, want 2 at the newest price 17.00", o.Lines, o.Total)
	}
}

func testSaga(t *testing.T, s Store) {
	svc := newSaga(t, s)
	confirmed := placeThroughService(t, svc, "alice", "k1")
	rejected := placeThroughService(t, svc, "alice", "k2")
	ctx := event.WithCorrelationID(t.Context(), "chain-1")
	reserved := stockEvent(t, orders.TypeStockReserved, "alice", confirmed.ID)
	reserved.CorrelationID = "chain-1"
	if err := svc.HandleEvent(ctx, reserved); err != nil {
		t.Fatalf("HandleEvent(StockReserved): %v", err)
	}
	mustHandle(t, svc, stockEvent(t, orders.TypeStockRejected, "alice", rejected.ID))

	if o := mustOrder(t, s, "alice", confirmed.ID); o.Status != orders.StatusConfirmed || o.Version != 2 {
		t.Errorf("after StockReserved the order is %s v%d, want confirmed v2", o.Status, o.Version)
	}
	if o := mustOrder(t, s, "alice", confirmed.ID); !o.Cancellation.IsZero() {
		t.Errorf("a confirmed order has cancellation %+v, want none", o.Cancellation)
	}
	o := mustOrder(t, s, "alice", rejected.ID)
	if o.Status != orders.StatusCancelled || o.Version != 2 || o.Cancellation != orders.StockRejected(orders.StockInsufficient) {
		t.Errorf("after StockRejected the order is %s v%d, cancelled %+v; want cancelled v2 for insufficient stock", o.Status, o.Version, o.Cancellation)
	}
	events := pending(t, s)
	eventtest.CheckProduced(t, eventsDir(t), events...)
	byType := map[string][]event.Envelope{}
	for _, e := range events {
		byType[e.Type] = append(byType[e.Type], e)
	}
	if len(byType[orders.TypeOrderPlaced]) != 2 || len(byType[orders.TypeOrderConfirmed]) != 1 || len(byType[orders.TypeOrderCancelled]) != 1 {
		t.Fatalf("the outbox holds %v, want 2 OrderPlaced, 1 OrderConfirmed, 1 OrderCancelled", types(events))
	}
	c := byType[orders.TypeOrderConfirmed][0]
	if d := decode(t, c); c.Subject != confirmed.ID || d["customerId"] != "alice" || len(d["lines"].([]any)) != 2 {
		t.Errorf("OrderConfirmed %s %v, want order %s of alice with its 2 lines", c.Subject, d, confirmed.ID)
	}
	if c.CorrelationID != "chain-1" {
		t.Errorf("OrderConfirmed correlationId %q, want StockReserved's, chain-1", c.CorrelationID)
	}
	x := byType[orders.TypeOrderCancelled][0]
	if d := decode(t, x); x.Subject != rejected.ID || d["reason"] != "stock_rejected" || d["previousStatus"] != "pending" {
		t.Errorf("OrderCancelled %s %v, want order %s, stock_rejected, previously pending", x.Subject, d, rejected.ID)
	}
}

// testSagaRejectionReasons cancels an order for each of catalog's
// reasons, and for one orders does not know (kept without the detail), and
// checks the order keeps it while OrderCancelled says only stock_rejected.
func testSagaRejectionReasons(t *testing.T, s Store) {
	svc := newSaga(t, s)
	for _, tt := range []struct {
		reason string
		want   orders.Cancellation
	}{
		{"insufficient_stock", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockInsufficient}},
		{"product_unavailable", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockProductUnavailable}},
		{"unknown_product", orders.Cancellation{Reason: orders.CancelledNoStock, Stock: orders.StockUnknownProduct}},
		{"a_reason_catalog_added_later", orders.Cancellation{Reason: orders.CancelledNoStock}},
	} {
		o := placeThroughService(t, svc, "alice", "k-"+tt.reason)
		rejected := rejectedEvent(t, "alice", o.ID, tt.reason)
		mustHandle(t, svc, rejected)
		mustHandle(t, svc, rejected) // a duplicate changes nothing
		// A customer's cancel after catalog's is refused and changes nothing.
		if _, err := svc.CancelOrder(t.Context(), "alice", o.ID); !errors.Is(err, orders.ErrNotCancellable) {
			t.Errorf("CancelOrder after StockRejected (%s) = %v, want %v", tt.reason, err, orders.ErrNotCancellable)
		}
		if got := mustOrder(t, s, "alice", o.ID); got.Status != orders.StatusCancelled || got.Version != 2 || got.Cancellation != tt.want {
			t.Errorf("after StockRejected (%s) the order is %s v%d cancelled %+v, want cancelled v2 %+v",
				tt.reason, got.Status, got.Version, got.Cancellation, tt.want)
		}
	}
	var cancels []event.Envelope
	for _, e := range pending(t, s) {
		if e.Type == orders.TypeOrderCancelled {
			cancels = append(cancels, e)
			if d := decode(t, e); d["reason"] != "stock_rejected" {
				t.Errorf("OrderCancelled data %v, want reason stock_rejected", d)
			}
		}
	}
	if len(cancels) != 4 {
		t.Errorf("%d OrderCancelled, want 4", len(cancels))
	}
	eventtest.CheckProduced(t, eventsDir(t), cancels...)
}

func testSagaLateAndDuplicateEvents(t *testing.T, s Store) {
	svc := newSaga(t, s)
	o := placeThroughService(t, svc, "alice", "k1")
	reserved := stockEvent(t, orders.TypeStockReserved, "alice", o.ID)
	mustHandle(t, svc, reserved)
	mustHandle(t, svc, reserved) // duplicate
	mustHandle(t, svc, stockEvent(t, orders.TypeStockRejected, "alice", o.ID))
	mustHandle(t, svc, stockEvent(t, orders.TypeStockReserved, "alice", o.ID))
	if got := mustOrder(t, s, "alice", o.ID); got.Status != orders.StatusConfirmed || got.Version != 2 {
		t.Errorf("after a duplicate and late events the order is %s v%d, want confirmed v2", got.Status, got.Version)
	}

	// Cancelled by its customer before catalog answered: the late
	// StockReserved changes nothing (catalog releases the stock when it
	// gets OrderCancelled).
	cancelled := placeThroughService(t, svc, "alice", "k2")
	if _, err := svc.CancelOrder(t.Context(), "alice", cancelled.ID); err != nil {
		t.Fatalf("CancelOrder: %v", err)
	}
	late := stockEvent(t, orders.TypeStockReserved, "alice", cancelled.ID)
	mustHandle(t, svc, late)
	mustHandle(t, svc, late)
	if got := mustOrder(t, s, "alice", cancelled.ID); got.Status != orders.StatusCancelled || got.Version != 2 || got.Cancellation != orders.ByCustomer() {
		t.Errorf("after a late StockReserved the order is %s v%d cancelled %+v, want cancelled v2 by its customer", got.Status, got.Version, got.Cancellation)
	}
	// A late StockRejected does not overwrite the customer's reason.
	mustHandle(t, svc, rejectedEvent(t, "alice", cancelled.ID, "product_unavailable"))
	if got := mustOrder(t, s, "alice", cancelled.ID); got.Version != 2 || got.Cancellation != orders.ByCustomer() {
		t.Errorf("after a late StockRejected the order is v%d cancelled %+v, want v2 by its customer", got.Version, got.Cancellation)
	}

	// Unknown orders, and orders of another customer, are nothing to do.
	mustHandle(t, svc, stockEvent(t, orders.TypeStockReserved, "alice", orderID(99)))
	mustHandle(t, svc, stockEvent(t, orders.TypeStockRejected, "bob", o.ID))

	got := types(pending(t, s))
	slices.Sort(got)
	want := []string{"OrderCancelled", "OrderConfirmed", "OrderPlaced", "OrderPlaced"}
	if !slices.Equal(got, want) {
		t.Errorf("the outbox holds %v, want %v", got, want)
	}

	// A malformed event is an error (it ends in the dead letters).
	bad := newEvent(t, "catalog", orders.TypeStockReserved, "x", map[string]any{"orderId": "not-an-id", "customerId": "alice"})
	if err := svc.HandleEvent(t.Context(), bad); !errors.Is(err, event.ErrInvalid) {
		t.Errorf("HandleEvent of a malformed StockReserved = %v, want %v", err, event.ErrInvalid)
	}
	badProduct := newEvent(t, "catalog", orders.TypeProductCreated, "x", map[string]any{"productId": "p", "name": "", "version": 0})
	if err := svc.HandleEvent(t.Context(), badProduct); !errors.Is(err, event.ErrInvalid) {
		t.Errorf("HandleEvent of a malformed ProductCreated = %v, want %v", err, event.ErrInvalid)
	}
}

func testCancelConfirmed(t *testing.T, s Store) {
	svc := newSaga(t, s)
	o := placeThroughService(t, svc, "alice", "k1")
	mustHandle(t, svc, stockEvent(t, orders.TypeStockReserved, "alice", o.ID))
	got, err := svc.CancelOrder(t.Context(), "alice", o.ID)
	if err != nil || got.Status != orders.StatusCancelled || got.Version != 3 || got.Cancellation != orders.ByCustomer() {
		t.Fatalf("CancelOrder of a confirmed order = %s v%d %+v, %v; want cancelled v3 by its customer", got.Status, got.Version, got.Cancellation, err)
	}
	if read := mustOrder(t, s, "alice", o.ID); read.Cancellation != orders.ByCustomer() {
		t.Errorf("the cancelled order reads back cancelled %+v, want by its customer", read.Cancellation)
	}
	if _, err := svc.CancelOrder(t.Context(), "alice", o.ID); !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("CancelOrder of a cancelled order = %v, want %v", err, orders.ErrNotCancellable)
	}
	var cancels []event.Envelope
	for _, e := range pending(t, s) {
		if e.Type == orders.TypeOrderCancelled {
			cancels = append(cancels, e)
		}
	}
	if len(cancels) != 1 {
		t.Fatalf("%d OrderCancelled, want 1", len(cancels))
	}
	eventtest.CheckProduced(t, eventsDir(t), cancels...)
	d := decode(t, cancels[0])
	if d["reason"] != "customer" || d["previousStatus"] != "confirmed" || len(d["lines"].([]any)) != 2 {
		t.Errorf("OrderCancelled data %v, want reason customer, previously confirmed, 2 lines", d)
	}
}

// testConsumerExamples hands the consumer the example of every event type
// orders consumes, from its producer's events directory, with an order of
// the example's id in the store; then again: the second round changes
// nothing.
func testConsumerExamples(t *testing.T, s Store) {
	consumes := eventtest.Consumes(t, eventsDir(t))
	examples := eventtest.Examples(t, servicesDir(t), consumes)
	svc := newSaga(t, s)
	for _, e := range examples {
		d := decode(t, e)
		id, _ := d["orderId"].(string)
		customer, _ := d["customerId"].(string)
		if id == "" || customer == "" {
			continue
		}
		if _, err := s.Order(t.Context(), customer, id); err == nil {
			continue
		}
		cart := mustSetItem(t, s, customer, product(1), 1)
		c := claim(t, customer, "key-"+id, "hash", "token", now)
		mustClaim(t, s, c)
		p := placement(t, customer, 1, cart.Version, c)
		p.Order.ID = id
		mustPlace(t, s, p)
	}
	type snapshot struct {
		outbox   int
		orders   map[string]string
		products map[string]orders.Product
	}
	snap := func() snapshot {
		sn := snapshot{outbox: len(pending(t, s)), orders: map[string]string{}}
		var ids []string
		for _, e := range examples {
			d := decode(t, e)
			if id, ok := d["orderId"].(string); ok {
				o, err := s.Order(t.Context(), d["customerId"].(string), id)
				if err == nil {
					sn.orders[id] = fmt.Sprintf("%s v%d %+v", o.Status, o.Version, o.Cancellation)
				}
			}
			if id, ok := d["productId"].(string); ok {
				ids = append(ids, id)
			}
		}
		ps, err := s.Products(t.Context(), ids)
		if err != nil {
			t.Fatalf("Products: %v", err)
		}
		sn.products = ps
		return sn
	}
	for _, e := range examples {
		if err := svc.HandleEvent(t.Context(), e); err != nil {
			t.Errorf("HandleEvent(example %s): %v", e.Type, err)
		}
	}
	first := snap()
	for _, e := range examples {
		if d := decode(t, e); e.Type == orders.TypeStockRejected {
			reason, _ := d["reason"].(string)
			want := fmt.Sprintf("cancelled v2 %+v", orders.StockRejected(orders.StockReason(reason)))
			if got := first.orders[d["orderId"].(string)]; got != want {
				t.Errorf("after the StockRejected example the order is %s, want %s", got, want)
			}
		}
	}
	for _, e := range examples {
		if err := svc.HandleEvent(t.Context(), e); err != nil {
			t.Errorf("HandleEvent(example %s) again: %v", e.Type, err)
		}
	}
	if second := snap(); fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("handling every example a second time changed\n%+v\ninto\n%+v", first, second)
	}
	for _, typ := range []string{orders.TypeProductCreated, orders.TypeProductChanged, orders.TypeProductArchived} {
		if slices.Contains(consumes, typ) && len(first.products) == 0 {
			t.Errorf("after the product examples the projection holds nothing")
		}
	}
}

// testStockReservedRacesCancel races catalog's StockReserved against the
// customer's cancel on the same orders. Each ends one of two consistent
// ways: confirmed then cancelled, with OrderConfirmed and OrderCancelled
// (previously confirmed); or cancelled while pending, with only
// OrderCancelled (previously pending) and the late StockReserved ignored.
func testStockReservedRacesCancel(t *testing.T, s Store) {
	const races = 8
	svc := newSaga(t, s)
	placed := make([]orders.Order, races)
	for i := range races {
		placed[i] = placeThroughService(t, svc, "alice", fmt.Sprintf("k%d", i))
	}
	var wg sync.WaitGroup
	errs := make([]error, 2*races)
	for i, o := range placed {
		reserved := stockEvent(t, orders.TypeStockReserved, "alice", o.ID)
		wg.Go(func() { errs[2*i] = svc.HandleEvent(t.Context(), reserved) })
		wg.Go(func() { _, errs[2*i+1] = svc.CancelOrder(t.Context(), "alice", o.ID) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("racing StockReserved and CancelOrder: %v", err)
	}
	byOrder := map[string][]string{}
	for _, e := range pending(t, s) {
		if e.Type == orders.TypeOrderPlaced {
			continue
		}
		what := e.Type
		if e.Type == orders.TypeOrderCancelled {
			what += " from " + decode(t, e)["previousStatus"].(string)
		}
		byOrder[e.Subject] = append(byOrder[e.Subject], what)
	}
	outcomes := map[string]int{}
	for _, o := range placed {
		got := mustOrder(t, s, "alice", o.ID)
		events := byOrder[o.ID]
		slices.Sort(events)
		switch {
		case got.Cancellation != orders.ByCustomer():
			t.Errorf("order %s ended cancelled %+v, want by its customer", o.ID, got.Cancellation)
		case got.Status == orders.StatusCancelled && got.Version == 3 &&
			slices.Equal(events, []string{"OrderCancelled from confirmed", "OrderConfirmed"}):
			outcomes["confirmed, then cancelled"]++
		case got.Status == orders.StatusCancelled && got.Version == 2 &&
			slices.Equal(events, []string{"OrderCancelled from pending"}):
			outcomes["cancelled while pending"]++
		default:
			t.Errorf("order %s ended %s v%d with events %v: not one of the two consistent outcomes", o.ID, got.Status, got.Version, events)
		}
	}
	t.Logf("outcomes of %d races: %v", races, outcomes)
}
