package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/outbox"
)

// table is an outbox kept in memory, the way the adapters keep theirs in
// a table, with failures to inject.
type table struct {
	mu        sync.Mutex
	rows      []event.Envelope
	removeErr error
}

func (t *table) add(es ...event.Envelope) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = append(t.rows, es...)
}

func (t *table) Pending(_ context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []event.Envelope
	for _, e := range t.rows {
		if e.Time.Before(before) && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (t *table) Remove(_ context.Context, ids []string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.removeErr != nil {
		return t.removeErr
	}
	t.rows = slices.DeleteFunc(t.rows, func(e event.Envelope) bool { return slices.Contains(ids, e.ID) })
	return nil
}

func (t *table) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.rows)
}

// bus records what is published and fails while down.
type bus struct {
	mu        sync.Mutex
	published []string
	down      bool
}

func (b *bus) Publish(_ context.Context, es []event.Envelope) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return errors.New("bus down")
	}
	for _, e := range es {
		b.published = append(b.published, e.ID)
	}
	return nil
}

func events(t *testing.T, n int, at time.Time) []event.Envelope {
	t.Helper()
	var es []event.Envelope
	for i := range n {
		e, err := event.New(context.Background(), "orders", "OrderPlaced", fmt.Sprint("o-", i), 1, map[string]int{"n": i}, at)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return es
}

func TestAfterPublishesAndRemoves(t *testing.T) {
	tb, b := &table{}, &bus{}
	es := events(t, 3, time.Now())
	tb.add(es...)
	outbox.NewRelay(tb, b, nil).After(context.Background(), es...)
	if tb.len() != 0 || len(b.published) != 3 {
		t.Errorf("outbox holds %d, bus got %d; want 0 and 3", tb.len(), len(b.published))
	}
}

func TestAfterLeavesWhatItCannotPublishForTheSweep(t *testing.T) {
	tb, b := &table{}, &bus{down: true}
	es := events(t, 2, time.Now().Add(-time.Minute))
	tb.add(es...)
	r := outbox.NewRelay(tb, b, nil)
	r.After(context.Background(), es...)
	if tb.len() != 2 {
		t.Fatalf("outbox holds %d after a failed publish, want 2", tb.len())
	}
	b.down = false
	n, err := r.Sweep(context.Background(), 0)
	if err != nil || n != 2 || tb.len() != 0 {
		t.Errorf("Sweep = %d, %v; outbox holds %d", n, err, tb.len())
	}
}

func TestAfterPublishesEvenWhenTheRequestIsGone(t *testing.T) {
	tb, b := &table{}, &bus{}
	es := events(t, 1, time.Now())
	tb.add(es...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client hung up after the commit
	outbox.NewRelay(tb, b, nil).After(ctx, es...)
	if len(b.published) != 1 {
		t.Error("a committed change's event was not published because its request was canceled")
	}
}

func TestSweepTakesOnlyEventsOlderThanTheGrace(t *testing.T) {
	tb, b := &table{}, &bus{}
	old, fresh := events(t, 1, time.Now().Add(-time.Minute)), events(t, 1, time.Now())
	tb.add(old...)
	tb.add(fresh...)
	n, err := outbox.NewRelay(tb, b, nil).Sweep(context.Background(), outbox.DefaultGrace)
	if err != nil || n != 1 || !slices.Equal(b.published, []string{old[0].ID}) {
		t.Errorf("Sweep = %d, %v, published %v; want only the old event", n, err, b.published)
	}
}

func TestSweepEmptiesALargeOutboxInBatches(t *testing.T) {
	tb, b := &table{}, &bus{}
	tb.add(events(t, 250, time.Now().Add(-time.Minute))...)
	n, err := outbox.NewRelay(tb, b, nil).Sweep(context.Background(), 0)
	if err != nil || n != 250 || tb.len() != 0 {
		t.Errorf("Sweep = %d, %v; outbox holds %d", n, err, tb.len())
	}
}

func TestAnEventPublishedButNotRemovedIsPublishedAgain(t *testing.T) {
	tb, b := &table{removeErr: errors.New("store down")}, &bus{}
	es := events(t, 1, time.Now().Add(-time.Minute))
	tb.add(es...)
	r := outbox.NewRelay(tb, b, nil)
	if _, err := r.Sweep(context.Background(), 0); err == nil {
		t.Fatal("Sweep hid a failed removal")
	}
	tb.removeErr = nil
	if _, err := r.Sweep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	// At least once: the duplicate is the consumers' to ignore.
	if !slices.Equal(b.published, []string{es[0].ID, es[0].ID}) || tb.len() != 0 {
		t.Errorf("published %v, outbox holds %d", b.published, tb.len())
	}
}

func TestSweepStopsAtTheFirstFailure(t *testing.T) {
	tb, b := &table{}, &bus{down: true}
	tb.add(events(t, 3, time.Now().Add(-time.Minute))...)
	n, err := outbox.NewRelay(tb, b, nil).Sweep(context.Background(), 0)
	if err == nil || n != 0 || tb.len() != 3 {
		t.Errorf("Sweep = %d, %v; outbox holds %d, want an error and all 3 kept", n, err, tb.len())
	}
}

// TestScheduledReports: a relay invocation answers how many events it
// published, and fails when the sweep does, so that the failure shows in
// the function's error metric.
func TestScheduledReports(t *testing.T) {
	var log strings.Builder
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	res, err := outbox.Scheduled(func(context.Context) (int, error) { return 3, nil }, logger)(t.Context())
	if err != nil || res.Published != 3 || !strings.Contains(log.String(), `"published":3`) {
		t.Errorf("Scheduled = %+v, %v; log %s; want 3 published and logged", res, err, log.String())
	}
	down := errors.New("bus down")
	if _, err := outbox.Scheduled(func(context.Context) (int, error) { return 1, down }, logger)(t.Context()); !errors.Is(err, down) {
		t.Errorf("failing sweep: err = %v, want %v", err, down)
	}
}
