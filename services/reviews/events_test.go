package reviews_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/services/reviews"
)

// TestEventContracts holds reviews to its events' contracts: its schemas
// and examples, and the list of what it consumes.
func TestEventContracts(t *testing.T) {
	eventtest.CheckDir(t, "events", reviews.Name)
	if got := eventtest.Consumes(t, "events"); !slices.Equal(got, reviews.Consumes) {
		t.Errorf("consumes.json = %v, reviews.Consumes = %v", got, reviews.Consumes)
	}
	want := []string{"ProductArchived", "ProductChanged", "ProductCreated", "OrderCancelled", "OrderConfirmed"}
	if got := slices.Sorted(slices.Values(reviews.Consumes)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("reviews consumes %v, want %v", got, want)
	}
}

// recorder is a bus that keeps what is published to it.
type recorder struct {
	mu     sync.Mutex
	events []event.Envelope
}

func (r *recorder) Publish(_ context.Context, events []event.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
	return nil
}

func (r *recorder) published() []event.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// startAppOn assembles the context on srv's database db, publishing to bus.
func startAppOn(t *testing.T, srv *embeddedferret.Server, db string, bus event.Publisher) *reviews.App {
	t.Helper()
	app, err := reviews.New(context.Background(), reviews.Config{MongoURI: srv.URI(), Database: db, Events: bus}, discard)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(app.Close)
	if err := app.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return app
}

// TestConsumerHandlesEveryExample hands the consumer the example of every
// event type it consumes, from the contexts that produce them (read as
// files), each twice: each is handled without error, and the second time
// changes nothing in the database. Before the order examples, the
// consumer learns the products of their lines and their customers review
// them, so that the examples reach every write they can make.
func TestConsumerHandlesEveryExample(t *testing.T) { consumerHandlesEveryExample(t, "..") }

// consumerHandlesEveryExample runs TestConsumerHandlesEveryExample on the
// producers' examples under servicesDir.
func consumerHandlesEveryExample(t *testing.T, servicesDir string) {
	app, srv := startApp(t)
	sub := app.Subscription()
	if sub.Consumer != "reviews" || !slices.Equal(sub.Types, reviews.Consumes) {
		t.Errorf("Subscription = %s %v, want reviews and %v", sub.Consumer, sub.Types, reviews.Consumes)
	}
	examples := eventtest.Examples(t, servicesDir, reviews.Consumes)
	api := apitest.New(t, reviews.OpenAPI, app.Handler())
	for _, e := range examples {
		var d struct {
			CustomerID string `json:"customerId"`
			Lines      []struct {
				ProductID string `json:"productId"`
			} `json:"lines"`
		}
		if err := e.Decode(&d); err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Lines {
			knowProduct(t, app, l.ProductID)
			res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + l.ProductID + "/reviews",
				Body: `{"rating":4,"title":"t"}`, Claims: apitest.Claims{"sub": d.CustomerID, "roles": "[customer]"}})
			if res.Status != 201 && res.Status != 409 {
				t.Fatalf("review %s by %s: %d %s", l.ProductID, d.CustomerID, res.Status, res.Body)
			}
		}
	}
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database("reviews")
	for _, e := range examples {
		if err := sub.Handle(context.Background(), e); err != nil {
			t.Errorf("%s: first delivery: %v", e.Type, err)
		}
		before := dump(t, db)
		if err := sub.Handle(context.Background(), e); err != nil {
			t.Errorf("%s: second delivery: %v", e.Type, err)
		}
		if after := dump(t, db); after != before {
			t.Errorf("%s: the second delivery changed the database:\nbefore %s\nafter  %s", e.Type, before, after)
		}
	}
}

// dump returns every document of db, as extended JSON, in a fixed order.
func dump(t *testing.T, db *mongo.Database) string {
	t.Helper()
	ctx := context.Background()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:", name)
		for _, d := range docs {
			fmt.Fprintf(&b, " %s", d.String())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRelayPublishesEachChange drives the context through its HTTP API:
// each change's event reaches the bus before the response, carrying the
// request's id as correlation id, validates against its schema, and leaves
// the outbox empty.
func TestRelayPublishesEachChange(t *testing.T) {
	srv, err := embeddedferret.Start(embeddedferret.Options{DataPath: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	bus := &recorder{}
	app := startAppOn(t, srv, "reviews", bus)
	knowProduct(t, app, product)
	api := apitest.New(t, reviews.OpenAPI, app.Handler())
	alice := apitest.Claims{"sub": "alice", "roles": "[customer]", "name": "Alice"}
	path := "/v1/products/" + product + "/reviews"
	steps := []struct {
		req  func(id string) apitest.Request
		want string
	}{
		{func(string) apitest.Request {
			return apitest.Request{Method: "POST", Path: path, Body: `{"rating":5,"title":"Great"}`, Claims: alice}
		}, "ReviewSubmitted"},
		{func(id string) apitest.Request {
			return apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + id, Header: map[string]string{"If-Match": `"1"`}, Body: `{"rating":3}`, Claims: alice}
		}, "ReviewRevised"},
		{func(id string) apitest.Request {
			return apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + id, Claims: alice}
		}, "ReviewWithdrawn"},
	}
	var id string
	for i, step := range steps {
		res := api.Do(t, step.req(id))
		if res.Status >= 300 {
			t.Fatalf("%s: %d %s", step.want, res.Status, res.Body)
		}
		if i == 0 {
			var r struct {
				ID string `json:"id"`
			}
			res.JSON(t, &r)
			id = r.ID
		}
		got := bus.published()
		if len(got) != i+1 || got[i].Type != step.want || got[i].Subject != id || got[i].CorrelationID != res.Header.Get("X-Request-Id") {
			t.Fatalf("after %s: published %+v; want the %s of %s with correlation id %s", step.want, got, step.want, id, res.Header.Get("X-Request-Id"))
		}
	}
	eventtest.CheckProduced(t, "events", bus.published()...)
	if n, err := app.SweepOutbox(context.Background()); err != nil || n != 0 {
		t.Errorf("SweepOutbox after the relay = %d, %v; want nothing left", n, err)
	}
}

// TestNoBusNoPublishing: without a bus (migrate, recompute) the context
// writes its outbox and publishes nothing; a context with a bus started
// later on the same database publishes it (here by its relay's sweep).
func TestNoBusNoPublishing(t *testing.T) {
	app, _ := startApp(t)
	api := apitest.New(t, reviews.OpenAPI, app.Handler())
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":5,"title":"t"}`,
		Claims: apitest.Claims{"sub": "alice", "roles": "[customer]"}})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	if n, err := app.SweepOutbox(context.Background()); err != nil || n != 0 {
		t.Errorf("SweepOutbox without a bus = %d, %v; want 0", n, err)
	}
}

// TestBadEventIsAnError: an event whose data reviews cannot use fails (so
// the bus retries it and then keeps it as a dead letter), with a log line
// carrying the event's attributes.
func TestBadEventIsAnError(t *testing.T) {
	srv, err := embeddedferret.Start(embeddedferret.Options{DataPath: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	var log lockedBuilder
	app, err := reviews.New(context.Background(), reviews.Config{MongoURI: srv.URI(), Database: "reviews"}, slog.New(slog.NewJSONHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	e, _ := event.New(event.WithCorrelationID(context.Background(), "corr-1"), "catalog", "ProductChanged", "p", 1, map[string]any{"productId": "p"}, time.Now())
	if err := app.Subscription().Handle(context.Background(), e); err == nil {
		t.Fatal("a ProductChanged without a product id was handled")
	}
	for _, want := range []string{`"event_id":"` + e.ID, `"correlation_id":"corr-1"`, `"event_type":"ProductChanged"`} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log.String())
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ok, _ := event.New(context.Background(), "catalog", "ProductCreated", product, 1, map[string]any{
		"productId": product, "name": "n", "status": "active", "version": 1}, time.Now())
	if err := app.Subscription().Handle(cancelled, ok); err == nil {
		t.Error("a ProductCreated handled on a cancelled context succeeded; want an error the bus retries")
	}
}

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
