package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/services/catalog/internal/catalog"
)

// eventsDir is the catalog's events directory, seen from an adapter's
// package directory (internal/<adapter>), where its tests run.
const eventsDir = "../../events"

// orders is the number of concurrent orders of the no-oversell case, for a
// product with a third of it in stock.
const orders = 30

// eventTests are the cases of the events: the outbox, the consumer.
var eventTests = []struct {
	name string
	test func(*testing.T, catalog.Store)
}{
	{"OutboxWithEachChange", testOutboxWithEachChange},
	{"OutboxNotWithFailedChanges", testOutboxNotWithFailedChanges},
	{"OutboxRelay", testOutboxRelay},
	{"OutboxPendingOrder", testOutboxPendingOrder},
	{"ReserveAllOrNothing", testReserveAllOrNothing},
	{"RejectionReasons", testRejectionReasons},
	{"DuplicateOrderPlaced", testDuplicateOrderPlaced},
	{"CancelBeforePlaced", testCancelBeforePlaced},
	{"CancelReleasesOnce", testCancelReleasesOnce},
	{"CancelRejected", testCancelRejected},
	{"NoOversellOfOrders", testNoOversellOfOrders},
	{"RatingsInAnyOrder", testRatingsInAnyOrder},
	{"RatingOfUnknownProduct", testRatingOfUnknownProduct},
	{"ForgetProcessed", testForgetProcessed},
}

// publisher records what it publishes, or fails while failing is set.
type publisher struct {
	mu        sync.Mutex
	published []event.Envelope
	failing   bool
}

func (p *publisher) Publish(_ context.Context, events []event.Envelope) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failing {
		return errors.New("the bus is down")
	}
	p.published = append(p.published, events...)
	return nil
}

func (p *publisher) types() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return types(p.published)
}

// pending returns every event in s's outbox, oldest first, after checking
// that each is valid and of a type the catalog produces, with its schema.
func pending(t *testing.T, s catalog.Store) []event.Envelope {
	t.Helper()
	events, err := s.Pending(t.Context(), time.Now().Add(time.Hour), 10_000)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if len(events) > 0 {
		eventtest.CheckProduced(t, eventsDir, events...)
	}
	return events
}

func types(events []event.Envelope) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

// checkTypes checks that the outbox holds events of the types want, in
// that order.
func checkTypes(t *testing.T, s catalog.Store, want ...string) []event.Envelope {
	t.Helper()
	events := pending(t, s)
	if got := types(events); !slices.Equal(got, want) {
		t.Errorf("outbox holds %v, want %v", got, want)
	}
	return events
}

// productData is the data of a product event.
type productData struct {
	ProductID string `json:"productId"`
	Name      string `json:"name"`
	Price     struct {
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	} `json:"price"`
	Status  string `json:"status"`
	Version int    `json:"version"`
}

func testOutboxWithEachChange(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen", "garden")
	svc := catalog.NewService(s)
	p, err := svc.CreateProduct(ctx, newProduct("KIT-1", "kitchen"))
	if err != nil {
		t.Fatalf("CreateProduct: %v", err)
	}
	always := func(int) bool { return true }
	name, description, category, stock := "Renamed", "New words.", "garden", 9
	steps := []struct {
		name   string
		change func() (catalog.Product, error)
		want   []string // the event it adds, if any
	}{
		{"rename", func() (catalog.Product, error) {
			return svc.UpdateProduct(ctx, p.ID, always, catalog.Patch{Name: &name})
		}, []string{catalog.TypeProductChanged}},
		{"new price", func() (catalog.Product, error) {
			return svc.UpdateProduct(ctx, p.ID, always, catalog.Patch{Price: &catalog.Money{Amount: 1, Currency: "EUR"}})
		}, []string{catalog.TypeProductChanged}},
		{"description, category and stock", func() (catalog.Product, error) {
			return svc.UpdateProduct(ctx, p.ID, always, catalog.Patch{Description: &description, Category: &category, Stock: &stock})
		}, nil},
		{"stock adjustment", func() (catalog.Product, error) { return svc.AdjustStock(ctx, p.ID, -2) }, nil},
		{"archive", func() (catalog.Product, error) { return svc.ArchiveProduct(ctx, p.ID, always) }, []string{catalog.TypeProductArchived}},
		{"archive again", func() (catalog.Product, error) { return svc.ArchiveProduct(ctx, p.ID, always) }, nil},
		{"active again", func() (catalog.Product, error) {
			return s.UpdateProduct(ctx, p.ID, func(p *catalog.Product) ([]event.Envelope, error) {
				before := *p
				p.Status, p.Version = catalog.StatusActive, p.Version+1
				return catalog.ChangeEvents(ctx, before, *p, time.Now())
			})
		}, []string{catalog.TypeProductChanged}},
	}
	want := []string{catalog.TypeProductCreated}
	checkTypes(t, s, want...)
	var last catalog.Product
	for _, step := range steps {
		got, err := step.change()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want = append(want, step.want...)
		events := checkTypes(t, s, want...)
		if len(step.want) > 0 {
			// The event is a snapshot of the product as saved.
			var d productData
			if err := events[len(events)-1].Decode(&d); err != nil {
				t.Fatal(err)
			}
			if d.ProductID != got.ID || d.Name != got.Name || d.Price.Amount != got.Price.Amount ||
				d.Status != string(got.Status) || d.Version != got.Version || events[len(events)-1].Subject != got.ID {
				t.Errorf("%s: event data %+v, want a snapshot of %+v", step.name, d, got)
			}
		}
		last = got
	}
	if last.Status != catalog.StatusActive {
		t.Errorf("final status %q, want active", last.Status)
	}
}

func testOutboxNotWithFailedChanges(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	svc := catalog.NewService(s)
	p, err := svc.CreateProduct(ctx, newProduct("KIT-1", "kitchen"))
	if err != nil {
		t.Fatalf("CreateProduct: %v", err)
	}
	if _, err := svc.CreateProduct(ctx, newProduct("KIT-1", "kitchen")); !errors.Is(err, catalog.ErrDuplicateSKU) {
		t.Errorf("CreateProduct with a taken SKU: %v, want %v", err, catalog.ErrDuplicateSKU)
	}
	if _, err := svc.CreateProduct(ctx, newProduct("KIT-2", "toys")); !errors.Is(err, catalog.ErrUnknownCategory) {
		t.Errorf("CreateProduct in a missing category: %v, want %v", err, catalog.ErrUnknownCategory)
	}
	name, toys := "Renamed", "toys"
	if _, err := svc.UpdateProduct(ctx, p.ID, func(int) bool { return true }, catalog.Patch{Name: &name, Category: &toys}); !errors.Is(err, catalog.ErrUnknownCategory) {
		t.Errorf("rename into a missing category: %v, want %v", err, catalog.ErrUnknownCategory)
	}
	if _, err := svc.UpdateProduct(ctx, p.ID, func(int) bool { return false }, catalog.Patch{Name: &name}); !errors.Is(err, catalog.ErrVersionMismatch) {
		t.Errorf("rename of another version: %v, want %v", err, catalog.ErrVersionMismatch)
	}
	// An update whose result the store refuses, with its event.
	_, err = s.UpdateProduct(ctx, p.ID, func(p *catalog.Product) ([]event.Envelope, error) {
		before := *p
		p.Name, p.Stock, p.Version = "Renamed", -1, p.Version+1
		return catalog.ChangeEvents(ctx, before, *p, now)
	})
	if !errors.Is(err, catalog.ErrInsufficientStock) {
		t.Errorf("UpdateProduct to a negative stock: %v, want %v", err, catalog.ErrInsufficientStock)
	}
	checkTypes(t, s, catalog.TypeProductCreated)
	checkStored(t, s, p)
}

func testOutboxRelay(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	bus := &publisher{}
	svc := catalog.NewService(s, catalog.WithPublisher(bus))

	// Published before the change returns, and gone from the outbox.
	p, err := svc.CreateProduct(ctx, newProduct("KIT-1", "kitchen"))
	if err != nil {
		t.Fatalf("CreateProduct: %v", err)
	}
	if got := bus.types(); !slices.Equal(got, []string{catalog.TypeProductCreated}) {
		t.Errorf("published %v, want the ProductCreated", got)
	}
	checkTypes(t, s)

	// With the bus down, the change succeeds and its event waits.
	bus.failing = true
	if _, err := svc.ArchiveProduct(ctx, p.ID, func(int) bool { return true }); err != nil {
		t.Fatalf("ArchiveProduct with the bus down: %v", err)
	}
	waiting := checkTypes(t, s, catalog.TypeProductArchived)
	if n, err := svc.SweepOutbox(ctx, 0); err == nil || n != 0 {
		t.Errorf("SweepOutbox with the bus down = %d, %v; want 0 and an error", n, err)
	}
	bus.failing = false
	if n, err := svc.SweepOutbox(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("SweepOutbox of events younger than its grace = %d, %v; want 0", n, err)
	}
	if n, err := svc.SweepOutbox(ctx, 0); err != nil || n != 1 {
		t.Errorf("SweepOutbox = %d, %v; want 1", n, err)
	}
	checkTypes(t, s)
	bus.mu.Lock()
	if last := bus.published[len(bus.published)-1]; last.ID != waiting[0].ID {
		t.Errorf("the sweep published %s %s, want the waiting %s", last.Type, last.ID, waiting[0].ID)
	}
	bus.mu.Unlock()
	if err := s.Remove(ctx, []string{waiting[0].ID}); err != nil {
		t.Errorf("Remove of an event already removed: %v", err)
	}

	// Without a publisher the service publishes nothing and keeps
	// everything in the outbox.
	if _, err := catalog.NewService(s).SweepOutbox(ctx, 0); !errors.Is(err, catalog.ErrNoPublisher) {
		t.Errorf("SweepOutbox without a publisher: %v, want %v", err, catalog.ErrNoPublisher)
	}
}

func testOutboxPendingOrder(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	var written []event.Envelope
	for n := range 5 {
		p := product(t, n+1, newProduct(fmt.Sprintf("KIT-%d", n), "kitchen"))
		e, err := catalog.ProductCreatedEvent(ctx, p, now.Add(time.Duration(5-n)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateProduct(ctx, p, e); err != nil {
			t.Fatalf("CreateProduct: %v", err)
		}
		written = append(written, e)
	}
	got, err := s.Pending(ctx, now.Add(4*time.Minute+time.Second), 3)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	// Written at now+5m, +4m, +3m, +2m, +1m: the oldest three before +4m1s.
	want := []string{written[4].ID, written[3].ID, written[2].ID}
	if ids := eventIDs(got); !slices.Equal(ids, want) {
		t.Errorf("Pending(before +4m1s, 3) = %v, want the oldest three %v", ids, want)
	}
	if got[0].Data == nil || got[0].CorrelationID != written[4].CorrelationID || !got[0].Time.Equal(written[4].Time) {
		t.Errorf("Pending returned %+v, want %+v", got[0], written[4])
	}
	if err := s.Remove(ctx, want[:2]); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	left := eventIDs(pending(t, s))
	if wantLeft := []string{written[2].ID, written[1].ID, written[0].ID}; !slices.Equal(left, wantLeft) {
		t.Errorf("after Remove the outbox holds %v, want %v", left, wantLeft)
	}
}

func eventIDs(events []event.Envelope) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// The consumed events, as their producers' schemas describe them.

type lineData struct {
	ProductID string `json:"productId"`
	Quantity  int    `json:"quantity"`
}

// orderPlaced returns an OrderPlaced event of the order with the given ID
// and lines.
func orderPlaced(t *testing.T, orderID string, lines ...lineData) event.Envelope {
	t.Helper()
	return newEvent(t, "orders", catalog.TypeOrderPlaced, orderID, map[string]any{
		"orderId": orderID, "customerId": customerID, "lines": lines, "total": map[string]any{"amount": 100, "currency": "USD"},
		"placedAt": now.Format(time.RFC3339Nano),
	})
}

func orderCancelled(t *testing.T, orderID string) event.Envelope {
	t.Helper()
	return newEvent(t, "orders", catalog.TypeOrderCancelled, orderID, map[string]any{
		"orderId": orderID, "customerId": customerID, "reason": "customer", "previousStatus": "confirmed", "lines": []lineData{},
	})
}

func review(t *testing.T, typ, productID string, rating, previous int) event.Envelope {
	t.Helper()
	data := map[string]any{"reviewId": orderID(rand.IntN(1 << 30)), "productId": productID, "customerId": customerID, "rating": rating}
	if typ == catalog.TypeReviewRevised {
		data["previousRating"] = previous
	}
	return newEvent(t, "reviews", typ, productID, data)
}

const customerID = "0196f0aa-5b6c-7d8e-9f0a-1b2c3d4e5f60"

// orderID returns the n-th order ID of a test.
func orderID(n int) string { return fmt.Sprintf("01976c3e-0000-7000-8000-%012x", n) }

func newEvent(t *testing.T, source, typ, subject string, data any) event.Envelope {
	t.Helper()
	e, err := event.New(t.Context(), source, typ, subject, 1, data, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// handle hands e to svc's consumer, failing t on an error.
func handle(t *testing.T, svc *catalog.Service, e event.Envelope) {
	t.Helper()
	if err := svc.HandleEvent(t.Context(), e); err != nil {
		t.Fatalf("HandleEvent(%s %s): %v", e.Type, e.Subject, err)
	}
}

// stockData is the data of StockReserved and StockRejected.
type stockData struct {
	OrderID    string     `json:"orderId"`
	CustomerID string     `json:"customerId"`
	Lines      []lineData `json:"lines"`
	Reason     string     `json:"reason"`
	ProductIDs []string   `json:"productIds"`
}

func decodeStock(t *testing.T, e event.Envelope) stockData {
	t.Helper()
	var d stockData
	if err := e.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// stocked creates products with the given stocks (the n-th with ID id(n+1))
// and returns the service, with the outbox emptied.
func stocked(t *testing.T, s catalog.Store, stocks ...int) *catalog.Service {
	t.Helper()
	addCategories(t, s, "kitchen")
	for n, stock := range stocks {
		np := newProduct(fmt.Sprintf("KIT-%d", n), "kitchen")
		np.Stock = stock
		mustCreate(t, s, n+1, np)
	}
	return catalog.NewService(s)
}

func checkStock(t *testing.T, s catalog.Store, want ...int) {
	t.Helper()
	for n, w := range want {
		if got := stored(t, s, id(n+1)).Stock; got != w {
			t.Errorf("product %d: stock %d, want %d", n+1, got, w)
		}
	}
}

func testReserveAllOrNothing(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 5, 1)
	// One line short: nothing is taken, not even the line that fits.
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(2), 2}, lineData{id(1), 2}))
	checkStock(t, s, 5, 1)
	rejected := checkTypes(t, s, catalog.TypeStockRejected)
	d := decodeStock(t, rejected[0])
	if d.OrderID != orderID(1) || d.CustomerID != customerID || d.Reason != string(catalog.ReasonInsufficientStock) ||
		!slices.Equal(d.ProductIDs, []string{id(2)}) || rejected[0].Subject != orderID(1) {
		t.Errorf("StockRejected %+v, want order 1 rejected for insufficient stock of product 2", d)
	}

	// Every line fits: every line is taken. Two lines of one product are
	// one line of their sum.
	before := stored(t, s, id(1))
	handle(t, svc, orderPlaced(t, orderID(2), lineData{id(2), 1}, lineData{id(1), 2}, lineData{id(1), 1}))
	checkStock(t, s, 2, 0)
	events := checkTypes(t, s, catalog.TypeStockRejected, catalog.TypeStockReserved)
	d = decodeStock(t, events[1])
	if want := []lineData{{id(1), 3}, {id(2), 1}}; d.OrderID != orderID(2) || !slices.Equal(d.Lines, want) {
		t.Errorf("StockReserved %+v, want order 2 with lines %v", d, want)
	}
	if after := stored(t, s, id(1)); after.Version != before.Version+1 {
		t.Errorf("reserving stock left the version at %d, want %d", after.Version, before.Version+1)
	}
}

func testRejectionReasons(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 5, 5, 0)
	archive(t, s, id(2))
	for _, tt := range []struct {
		name   string
		lines  []lineData
		reason catalog.RejectReason
		ids    []string
	}{
		{"archived", []lineData{{id(1), 1}, {id(2), 1}}, catalog.ReasonProductUnavailable, []string{id(2)}},
		{"unknown", []lineData{{id(1), 1}, {id(9), 1}}, catalog.ReasonUnknownProduct, []string{id(9)}},
		{"sold out", []lineData{{id(3), 1}}, catalog.ReasonInsufficientStock, []string{id(3)}},
		{"every reason", []lineData{{id(3), 1}, {id(2), 1}, {id(9), 1}, {id(1), 1}}, catalog.ReasonUnknownProduct, []string{id(2), id(3), id(9)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			order := orderID(rand.IntN(1 << 30))
			handle(t, svc, orderPlaced(t, order, tt.lines...))
			events := pending(t, s)
			d := decodeStock(t, events[len(events)-1])
			if d.OrderID != order || d.Reason != string(tt.reason) || !slices.Equal(d.ProductIDs, tt.ids) {
				t.Errorf("decision %+v, want rejected for %s of %v", d, tt.reason, tt.ids)
			}
			checkStock(t, s, 5, 5, 0)
		})
	}
}

func testDuplicateOrderPlaced(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 5)
	placed := orderPlaced(t, orderID(1), lineData{id(1), 2})
	handle(t, svc, placed)
	handle(t, svc, placed)
	// Another event for the same order (a producer that sent it twice)
	// reserves nothing more either.
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(1), 2}))
	checkStock(t, s, 3)
	checkTypes(t, s, catalog.TypeStockReserved)
}

func testCancelBeforePlaced(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 5)
	handle(t, svc, orderCancelled(t, orderID(1)))
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(1), 2}))
	checkStock(t, s, 5)
	checkTypes(t, s)
}

func testCancelReleasesOnce(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 5, 5)
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(1), 2}, lineData{id(2), 3}))
	handle(t, svc, orderPlaced(t, orderID(2), lineData{id(1), 1}))
	checkStock(t, s, 2, 2)
	cancelled := orderCancelled(t, orderID(1))
	handle(t, svc, cancelled)
	checkStock(t, s, 4, 5)
	handle(t, svc, cancelled)
	handle(t, svc, orderCancelled(t, orderID(1)))
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(1), 2}))
	checkStock(t, s, 4, 5)
	checkTypes(t, s, catalog.TypeStockReserved, catalog.TypeStockReserved)
}

func testCancelRejected(t *testing.T, s catalog.Store) {
	svc := stocked(t, s, 1, 5)
	handle(t, svc, orderPlaced(t, orderID(1), lineData{id(1), 2}, lineData{id(2), 1}))
	handle(t, svc, orderCancelled(t, orderID(1)))
	checkStock(t, s, 1, 5)
	checkTypes(t, s, catalog.TypeStockRejected)
}

// testNoOversellOfOrders places 30 orders of one unit at once for a product
// with 10 in stock, while other goroutines read it: exactly 10 are
// reserved, 20 rejected, the stock ends at 0 and no read sees it negative.
func testNoOversellOfOrders(t *testing.T, s catalog.Store) {
	const stock = orders / 3
	svc := stocked(t, s, stock)
	ctx := t.Context()

	// The readers start with the orders and each reads at least once, so
	// reads overlap the reservations however fast the store decides them.
	start := make(chan struct{})
	var done atomic.Bool
	var readers sync.WaitGroup
	var reads atomic.Int64
	for range 3 {
		readers.Go(func() {
			<-start
			for {
				p, err := s.Product(ctx, id(1))
				if err != nil {
					t.Errorf("Product during the orders: %v", err)
					return
				}
				if p.Stock < 0 {
					t.Errorf("a read saw stock %d", p.Stock)
				}
				page, err := s.Products(ctx, catalog.Query{Limit: 10})
				if err != nil {
					t.Errorf("Products during the orders: %v", err)
					return
				}
				for _, p := range page.Products {
					if p.Stock < 0 {
						t.Errorf("a listing saw stock %d", p.Stock)
					}
				}
				reads.Add(1)
				if done.Load() {
					return
				}
			}
		})
	}

	errs := make([]error, orders)
	var wg sync.WaitGroup
	for i := range orders {
		e := orderPlaced(t, orderID(i+1), lineData{id(1), 1})
		wg.Go(func() {
			<-start
			errs[i] = svc.HandleEvent(ctx, e)
		})
	}
	close(start)
	wg.Wait()
	done.Store(true)
	readers.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("HandleEvent(OrderPlaced): %v", err)
		}
	}
	counts := make(map[string]int)
	for _, e := range pending(t, s) {
		counts[e.Type]++
	}
	if counts[catalog.TypeStockReserved] != stock || counts[catalog.TypeStockRejected] != orders-stock {
		t.Errorf("%d orders of 1 for %d in stock: %v, want %d reserved and %d rejected",
			orders, stock, counts, stock, orders-stock)
	}
	checkStock(t, s, 0)
	t.Logf("%d reads while the orders were decided", reads.Load())
}

func testRatingsInAnyOrder(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	addCategories(t, s, "kitchen")
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	svc := catalog.NewService(s)
	// Three reviews: 5, then 3 revised to 4, and a 2 withdrawn: 2 reviews,
	// 9 in total, 4.5 on average.
	events := []event.Envelope{
		review(t, catalog.TypeReviewSubmitted, p.ID, 5, 0),
		review(t, catalog.TypeReviewSubmitted, p.ID, 3, 0),
		review(t, catalog.TypeReviewRevised, p.ID, 4, 3),
		review(t, catalog.TypeReviewSubmitted, p.ID, 2, 0),
		review(t, catalog.TypeReviewWithdrawn, p.ID, 2, 0),
	}
	// In a random order, each twice.
	order := append(slices.Clone(events), events...)
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, e := range order {
		handle(t, svc, e)
	}
	want := catalog.Rating{Count: 2, Total: 9}
	got := stored(t, s, p.ID)
	if got.Rating != want || got.Rating.Average() != 4.5 {
		t.Errorf("rating %+v (average %v), want %+v (4.5)", got.Rating, got.Rating.Average(), want)
	}
	page, err := s.Products(ctx, catalog.Query{Limit: 10})
	if err != nil || len(page.Products) != 1 || page.Products[0].Rating != want {
		t.Errorf("Products = %+v, %v; want the product rated %+v", page.Products, err, want)
	}
	search, err := s.Products(ctx, catalog.Query{Search: "product", Limit: 10})
	if err != nil || len(search.Products) != 1 || search.Products[0].Rating != want {
		t.Errorf("Products(search) = %+v, %v; want the product rated %+v", search.Products, err, want)
	}
	// Changes keep the rating, and return it.
	updated, err := svc.AdjustStock(ctx, p.ID, 1)
	if err != nil || updated.Rating != want {
		t.Errorf("AdjustStock = %+v, %v; want the product rated %+v", updated.Rating, err, want)
	}
	if got := stored(t, s, p.ID); got.Rating != want {
		t.Errorf("rating after a change %+v, want %+v", got.Rating, want)
	}
	checkTypes(t, s) // ratings announce nothing
}

func testRatingOfUnknownProduct(t *testing.T, s catalog.Store) {
	addCategories(t, s, "kitchen")
	svc := catalog.NewService(s)
	// The review's event arrives before the product's creation.
	handle(t, svc, review(t, catalog.TypeReviewSubmitted, id(1), 4, 0))
	handle(t, svc, review(t, catalog.TypeReviewWithdrawn, id(2), 3, 0))
	p := mustCreate(t, s, 1, newProduct("KIT-1", "kitchen"))
	if got := stored(t, s, p.ID).Rating; got != (catalog.Rating{Count: 1, Total: 4}) {
		t.Errorf("rating %+v, want 1 review of 4", got)
	}
	// A withdrawal counted before its review: shown as no review.
	q := mustCreate(t, s, 2, newProduct("KIT-2", "kitchen"))
	if got := stored(t, s, q.ID).Rating; got.Reviews() != 0 || got.Average() != 0 {
		t.Errorf("rating %+v shows %d reviews averaging %v, want 0 and 0", got, got.Reviews(), got.Average())
	}
}

func testForgetProcessed(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	svc := catalog.NewService(s)
	handle(t, svc, review(t, catalog.TypeReviewSubmitted, id(1), 4, 0))
	if n, err := s.ForgetProcessed(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("ForgetProcessed(an hour ago) = %d, %v; want 0", n, err)
	}
	e := review(t, catalog.TypeReviewSubmitted, id(1), 2, 0)
	handle(t, svc, e)
	if n, err := s.ForgetProcessed(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("ForgetProcessed(in an hour) = %d, %v; want 2", n, err)
	}
	// Forgotten, an event counts again: why the retention outlasts any
	// queue.
	if applied, err := s.RecordRating(ctx, e.ID, id(1), catalog.RatingDelta{Count: 1, Total: 2}); err != nil || !applied {
		t.Errorf("RecordRating of a forgotten event = %v, %v; want it applied", applied, err)
	}
}
