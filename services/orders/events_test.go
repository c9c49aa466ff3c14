package orders_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/localdynamo"
)

// TestEventContracts checks orders' own contracts: every schema compiles
// and has a valid example, and Consumes is consumes.json.
func TestEventContracts(t *testing.T) {
	eventtest.CheckDir(t, "events", orders.Name)
	if got := eventtest.Consumes(t, "events"); !slices.Equal(got, orders.Consumes) {
		t.Errorf("Consumes = %v, want consumes.json's %v", orders.Consumes, got)
	}
}

// bus records what the relay publishes; it fails while down is set.
type bus struct {
	mu     sync.Mutex
	down   bool
	events []event.Envelope
}

func (b *bus) Publish(_ context.Context, evs []event.Envelope) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return errors.New("bus down")
	}
	b.events = append(b.events, evs...)
	return nil
}

func (b *bus) setDown(down bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.down = down
}

func (b *bus) published() []event.Envelope {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.events)
}

// newApp assembles the context on a table of its own in minidyn, publishing
// to b, sweeping its outbox every sweep when it is positive.
func newApp(t *testing.T, b *bus, sweep time.Duration) *orders.App {
	t.Helper()
	srv, err := localdynamo.Start("")
	if err != nil {
		t.Fatalf("start minidyn: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	app, err := orders.New(t.Context(), orders.Config{DynamoDBEndpoint: srv.URL, Region: "eu-west-1", Events: b, OutboxSweepInterval: sweep},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	if err := app.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return app
}

func productCreated(t testing.TB, id, name string, amount int) event.Envelope {
	t.Helper()
	e, err := event.New(context.Background(), "catalog", "ProductCreated", id, 1, map[string]any{
		"productId": id, "name": name, "status": "active", "version": 1,
		"price": map[string]any{"amount": amount, "currency": "EUR"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// call invokes the app's Lambda handler as customer alice.
func call(t *testing.T, app *orders.App, method, path, body string, headers map[string]string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	res, err := lambdahttp.Adapt(app.Handler())(t.Context(), newEvent(method, path, body, headers))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// TestConsumerExamples hands the subscription the example of every event
// type orders consumes, from its producer's events directory, twice: the
// first time without error, the second time without any further effect
// (nothing more is published).
func TestConsumerExamples(t *testing.T) {
	var b bus
	app := newApp(t, &b, 0)
	sub := app.Subscription()
	if sub.Consumer != "orders" || !slices.Equal(sub.Types, orders.Consumes) {
		t.Errorf("Subscription = %s for %v, want orders for %v", sub.Consumer, sub.Types, orders.Consumes)
	}
	examples := eventtest.Examples(t, "..", orders.Consumes)
	for _, e := range examples {
		if err := sub.Handle(t.Context(), e); err != nil {
			t.Errorf("example %s: %v", e.Type, err)
		}
	}
	after := len(b.published())
	for _, e := range examples {
		if err := sub.Handle(t.Context(), e); err != nil {
			t.Errorf("example %s again: %v", e.Type, err)
		}
	}
	if got := len(b.published()); got != after {
		t.Errorf("handling the examples again published %d more events", got-after)
	}
}

// TestRelayAfterCommitAndSweep places an order and cancels it through the
// handler: each change's event is published before the response. With the
// bus down, the change still succeeds and its event stays in the outbox;
// the sweep loop (Config.OutboxSweepInterval), once the bus is back,
// publishes it.
func TestRelayAfterCommitAndSweep(t *testing.T) {
	var b bus
	app := newApp(t, &b, 100*time.Millisecond)
	if err := app.Subscription().Handle(t.Context(), productCreated(t, "mug", "Mug", 1200)); err != nil {
		t.Fatal(err)
	}
	if res := call(t, app, "PUT", "/v1/cart/items/mug", `{"quantity":2}`, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("PUT mug: %d %s", res.StatusCode, res.Body)
	}
	res := call(t, app, "POST", "/v1/orders", `{"shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"D","country":"FR"}}`,
		map[string]string{"idempotency-key": "k1"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("place: %d %s", res.StatusCode, res.Body)
	}
	var order struct{ ID string }
	if err := json.Unmarshal([]byte(res.Body), &order); err != nil {
		t.Fatal(err)
	}
	got := b.published()
	if len(got) != 1 || got[0].Type != "OrderPlaced" || got[0].Subject != order.ID {
		t.Fatalf("published %v after the placement, want its OrderPlaced", got)
	}
	if got[0].CorrelationID != "bench" { // the request id of newEvent's requests
		t.Errorf("OrderPlaced correlationId %q, want the request's id", got[0].CorrelationID)
	}
	eventtest.CheckProduced(t, "events", got...)
	if n, err := app.SweepOutbox(t.Context()); err != nil || n != 0 {
		t.Errorf("SweepOutbox after a published change = %d, %v; want 0, nil", n, err)
	}

	b.setDown(true)
	res = call(t, app, "POST", "/v1/orders/"+order.ID+"/cancel", "", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"cancelled"`) {
		t.Fatalf("cancel with the bus down: %d %s, want 200 cancelled", res.StatusCode, res.Body)
	}
	if n, err := app.SweepOutbox(t.Context()); err == nil && n > 0 {
		t.Errorf("SweepOutbox with the bus down published %d", n)
	}
	b.setDown(false)
	// The sweep takes events older than outbox.DefaultGrace: wait for it.
	deadline := time.Now().Add(30 * time.Second)
	for len(b.published()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the sweep loop did not publish the event the bus refused within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	app.Close() // stops the loop
	got = b.published()
	if len(got) != 2 || got[1].Type != "OrderCancelled" || got[1].Subject != order.ID {
		t.Fatalf("published %v, want OrderPlaced and then, swept, OrderCancelled", got)
	}
	eventtest.CheckProduced(t, "events", got[1])
	if n, err := app.SweepOutbox(t.Context()); err != nil || n != 0 {
		t.Errorf("SweepOutbox again = %d, %v; want 0, nil", n, err)
	}
}

func TestSweepOutboxWithoutBus(t *testing.T) {
	srv, err := localdynamo.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	app, err := orders.New(t.Context(), orders.Config{DynamoDBEndpoint: srv.URL, Region: "eu-west-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.SweepOutbox(t.Context()); err == nil {
		t.Error("SweepOutbox without a bus succeeded, want an error saying there is none")
	}
}
