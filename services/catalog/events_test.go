package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/packages/testenv"
	"example.com/quartet/services/catalog"
	domain "example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/memory"
)

// TestEventContracts checks the catalog's own contracts: every schema
// compiles and has a valid example of the catalog's.
func TestEventContracts(t *testing.T) {
	eventtest.CheckDir(t, "events", "catalog")
	want := eventtest.Consumes(t, "events")
	if !slices.Equal(catalog.Consumes, want) || !slices.Equal(domain.Consumes, want) {
		t.Errorf("Consumes = %v and the consumer handles %v, want consumes.json's %v", catalog.Consumes, domain.Consumes, want)
	}
	for _, typ := range eventtest.Types(t, "events") {
		if !slices.Contains([]string{domain.TypeProductCreated, domain.TypeProductChanged, domain.TypeProductArchived,
			domain.TypeStockReserved, domain.TypeStockRejected}, typ) {
			t.Errorf("a schema of %s, which the catalog does not produce", typ)
		}
	}
}

// TestConsumesExamples hands the consumer the example of every type it
// consumes, from the producers' events directories, twice: the first time
// has its effect, the second none.
func TestConsumesExamples(t *testing.T) {
	for _, typ := range catalog.Consumes {
		if found, _ := filepath.Glob(filepath.Join("..", "*", "events", typ+eventtest.ExampleSuffix)); len(found) == 0 {
			testenv.Unavailable(t, "no producer's example of %s under services/ yet", typ)
		}
	}
	for _, e := range eventtest.Examples(t, "..", catalog.Consumes) {
		t.Run(e.Type, func(t *testing.T) {
			store := memory.NewStore()
			svc := domain.NewService(store)
			products := productsOf(t, e)
			if err := store.CreateCategory(t.Context(), domain.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
				t.Fatal(err)
			}
			for i, id := range products {
				p, err := domain.NewProduct{SKU: fmt.Sprintf("EX-%d", i), Name: "Example", Price: domain.Money{Amount: 100, Currency: "USD"},
					Category: "kitchen", Stock: 1000}.Create(id, nowForExamples)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.CreateProduct(t.Context(), p); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.HandleEvent(t.Context(), e); err != nil {
				t.Fatalf("HandleEvent(%s): %v", e.Type, err)
			}
			first := snapshot(t, store, products)
			if e.Type == domain.TypeOrderPlaced && !strings.Contains(first, domain.TypeStockReserved) {
				t.Errorf("the example OrderPlaced of products in stock reserved nothing: %s", first)
			}
			if err := svc.HandleEvent(t.Context(), e); err != nil {
				t.Fatalf("HandleEvent(%s) again: %v", e.Type, err)
			}
			if again := snapshot(t, store, products); again != first {
				t.Errorf("handling %s again changed\n%s\ninto\n%s", e.Type, first, again)
			}
		})
	}
}

// productsOf returns the product IDs an event's data names: its productId
// and those of its lines.
func productsOf(t *testing.T, e event.Envelope) []string {
	t.Helper()
	var d struct {
		ProductID string `json:"productId"`
		Lines     []struct {
			ProductID string `json:"productId"`
		} `json:"lines"`
	}
	if err := e.Decode(&d); err != nil {
		t.Fatal(err)
	}
	var ids []string
	if d.ProductID != "" {
		ids = append(ids, d.ProductID)
	}
	for _, l := range d.Lines {
		if !slices.Contains(ids, l.ProductID) {
			ids = append(ids, l.ProductID)
		}
	}
	return ids
}

// snapshot describes what the consumer may change: the products' stock,
// version and rating, and the outbox.
func snapshot(t *testing.T, store *memory.Store, products []string) string {
	t.Helper()
	var b strings.Builder
	for _, id := range products {
		p, err := store.Product(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: stock %d, version %d, rating %+v\n", id, p.Stock, p.Version, p.Rating)
	}
	events, err := store.Pending(t.Context(), nowForExamples.AddDate(100, 0, 0), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		fmt.Fprintf(&b, "outbox: %s %s\n", e.Type, e.Data)
	}
	return b.String()
}

// recorder is an event.Publisher that keeps what it is given.
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

func (r *recorder) count(typ string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// TestAppEvents assembles the context on each engine with a publisher, as
// the local system does: seeding publishes a ProductCreated per product
// right after each commit, and the subscription reserves an order's stock
// and publishes the decision, with the order's correlation ID.
func TestAppEvents(t *testing.T) {
	for _, e := range []struct {
		engine   string
		database func(testing.TB) string
	}{
		{catalog.EnginePostgres, pgtest.External},
		{catalog.EngineMySQL, mysqltest.External},
	} {
		t.Run(e.engine, func(t *testing.T) {
			ctx := t.Context()
			bus := &recorder{}
			// The sweep loop starts (its first sweep finds nothing old
			// enough) and Close stops it.
			cfg := catalog.Config{Engine: e.engine, DatabaseURL: e.database(t), Events: bus, OutboxSweepInterval: time.Hour}
			app, err := catalog.New(ctx, cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer app.Close()
			if err := app.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if err := app.Seed(ctx); err != nil {
				t.Fatalf("Seed: %v", err)
			}
			created := bus.count(domain.TypeProductCreated)
			if created < 60 {
				t.Errorf("seeding published %d ProductCreated, want one per product", created)
			}

			var page struct{ Items []struct{ ID string } }
			get(t, app.Handler(), "/v1/products?limit=1", &page)
			sub := app.Subscription()
			if sub.Consumer != "catalog" || !slices.Equal(sub.Types, catalog.Consumes) {
				t.Errorf("Subscription() is %s for %v, want catalog for %v", sub.Consumer, sub.Types, catalog.Consumes)
			}
			placed, err := event.New(event.WithCorrelationID(ctx, "req-1"), "orders", domain.TypeOrderPlaced,
				"01976c3e-0000-7000-8000-000000000001", 1, map[string]any{
					"orderId": "01976c3e-0000-7000-8000-000000000001", "customerId": "0196f0aa-5b6c-7d8e-9f0a-1b2c3d4e5f60",
					"lines": []map[string]any{{"productId": page.Items[0].ID, "quantity": 1}},
				}, nowForExamples)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := sub.Handle(ctx, placed); err != nil {
					t.Fatalf("Handle(OrderPlaced): %v", err)
				}
			}
			if n := bus.count(domain.TypeStockReserved); n != 1 {
				t.Errorf("published %d StockReserved, want 1", n)
			}
			bus.mu.Lock()
			last := bus.events[len(bus.events)-1]
			bus.mu.Unlock()
			eventtest.CheckProduced(t, "events", last)
			if last.CorrelationID != "req-1" {
				t.Errorf("StockReserved has correlation ID %q, want the order's %q", last.CorrelationID, "req-1")
			}
			if n, err := app.SweepOutbox(ctx); err != nil || n != 0 {
				t.Errorf("SweepOutbox = %d, %v; want 0: the relay published everything", n, err)
			}
		})
	}
}

// TestAppWithoutPublisher: without a publisher the context still writes
// its outbox, cannot sweep it, and refuses a sweep loop.
func TestAppWithoutPublisher(t *testing.T) {
	ctx := t.Context()
	_, err := catalog.New(ctx, catalog.Config{DatabaseURL: "postgres://db", OutboxSweepInterval: 5 * time.Second}, nil)
	if err == nil {
		t.Errorf("New with a sweep interval and no publisher succeeded")
	}
	app, err := catalog.New(ctx, catalog.Config{DatabaseURL: "postgres://db"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer app.Close()
	if _, err := app.SweepOutbox(ctx); !errors.Is(err, domain.ErrNoPublisher) {
		t.Errorf("SweepOutbox without a publisher: %v, want %v", err, domain.ErrNoPublisher)
	}
}

// TestConfigFromEnvEvents reads the bus and the sweep interval.
func TestConfigFromEnvEvents(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://db", "EVENT_BUS_NAME": "quartet-dev", "OUTBOX_SWEEP_INTERVAL": "5s",
		"AWS_REGION": "eu-west-1"}
	cfg, err := catalog.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.EventBusName != "quartet-dev" || cfg.Events == nil || cfg.OutboxSweepInterval != 5*time.Second {
		t.Errorf("ConfigFromEnv = %+v, %v; want bus quartet-dev and a 5s sweep", cfg, err)
	}
	for _, bad := range []string{"5", "-1s", "soon"} {
		env["OUTBOX_SWEEP_INTERVAL"] = bad
		if _, err := catalog.ConfigFromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("OUTBOX_SWEEP_INTERVAL=%s accepted", bad)
		}
	}
}

// nowForExamples is the clock of the tests that make events.
var nowForExamples = time.Date(2025, 6, 15, 8, 21, 9, 0, time.UTC)
