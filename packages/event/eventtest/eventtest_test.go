package eventtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
)

// recorder is a testing.TB that keeps what eventtest reports, so the tests
// can check that a broken contract fails.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprint(args...))
}
func (r *recorder) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }

// run calls f with a recorder and returns what it reported.
func run(t *testing.T, f func(testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); f(r) }()
	<-done
	return r.errs
}

const schema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["orderId", "units"],
  "properties": {"orderId": {"type": "string", "format": "uuid"}, "units": {"type": "integer", "minimum": 1}},
  "additionalProperties": false
}`

func newEvent(t *testing.T, data any) event.Envelope {
	t.Helper()
	e, err := event.New(context.Background(), "orders", "OrderPlaced", "o-1", 1, data, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// contractDir writes an events directory with OrderPlaced's schema and the
// given example under services/orders/events, and returns the services dir.
func contractDir(t *testing.T, example event.Envelope, consumes []string) string {
	t.Helper()
	services := t.TempDir()
	dir := filepath.Join(services, "orders", "events")
	write := func(name string, v any) {
		b, ok := v.([]byte)
		if !ok {
			b, _ = json.Marshal(v)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("OrderPlaced.schema.json", []byte(schema))
	write("OrderPlaced.example.json", example)
	write("consumes.json", consumes)
	return services
}

func TestAGoodContractPasses(t *testing.T) {
	good := newEvent(t, map[string]any{"orderId": "0193a5b0-7e1c-7cc3-9f3a-1b2c3d4e5f60", "units": 2})
	services := contractDir(t, good, []string{"OrderPlaced"})
	dir := filepath.Join(services, "orders", "events")
	if errs := run(t, func(tb testing.TB) {
		eventtest.CheckDir(tb, dir, "orders")
		eventtest.CheckProduced(tb, dir, good)
	}); len(errs) > 0 {
		t.Errorf("a good contract failed: %v", errs)
	}
	if got := eventtest.Consumes(t, dir); len(got) != 1 || got[0] != "OrderPlaced" {
		t.Errorf("Consumes = %v", got)
	}
	if got := eventtest.Examples(t, services, []string{"OrderPlaced"}); len(got) != 1 || got[0].ID != good.ID {
		t.Errorf("Examples = %v", got)
	}
}

func TestABrokenContractFails(t *testing.T) {
	good := newEvent(t, map[string]any{"orderId": "0193a5b0-7e1c-7cc3-9f3a-1b2c3d4e5f60", "units": 2})
	for name, c := range map[string]struct {
		example  event.Envelope
		produced event.Envelope
		want     string
	}{
		"example with an unknown member": {newEvent(t, map[string]any{"orderId": "0193a5b0-7e1c-7cc3-9f3a-1b2c3d4e5f60", "units": 2, "x": 1}), good, "data"},
		"produced event off schema":      {good, newEvent(t, map[string]any{"orderId": "not-a-uuid", "units": 0}), "data"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(contractDir(t, c.example, nil), "orders", "events")
			errs := run(t, func(tb testing.TB) {
				eventtest.CheckDir(tb, dir, "orders")
				eventtest.CheckProduced(tb, dir, c.produced)
			})
			if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), c.want) {
				t.Errorf("errors %v, want one about %s", errs, c.want)
			}
		})
	}
	t.Run("example of another source", func(t *testing.T) {
		dir := filepath.Join(contractDir(t, good, nil), "orders", "events")
		if errs := run(t, func(tb testing.TB) { eventtest.CheckDir(tb, dir, "catalog") }); len(errs) == 0 {
			t.Error("an example from orders passed as catalog's")
		}
	})
	t.Run("consumed type nobody produces", func(t *testing.T) {
		services := contractDir(t, good, nil)
		if errs := run(t, func(tb testing.TB) { eventtest.Examples(tb, services, []string{"StockReserved"}) }); len(errs) == 0 {
			t.Error("a type without a producer passed")
		}
	})
}
