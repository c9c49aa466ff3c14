package bus_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/packages/event"
)

// quick is a policy for tests: short delays, few attempts.
var quick = bus.Policy{Attempts: 3, Base: 10 * time.Millisecond, Max: 40 * time.Millisecond, Timeout: 2 * time.Second}

func open(t *testing.T, path string, p bus.Policy) *bus.Bus {
	t.Helper()
	b, err := bus.Open(bus.Options{Path: path, Policy: p, CloseTimeout: 2 * time.Second, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func newEvent(t testing.TB, typ, subject string) event.Envelope {
	t.Helper()
	e, err := makeEvent(typ, subject)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func makeEvent(typ, subject string) (event.Envelope, error) {
	ctx := event.WithCorrelationID(context.Background(), "corr-"+subject)
	return event.New(ctx, "orders", typ, subject, 1, map[string]string{"orderId": subject}, time.Now())
}

func publish(t testing.TB, b *bus.Bus, events ...event.Envelope) {
	t.Helper()
	if err := b.Publish(context.Background(), events); err != nil {
		t.Fatalf("publish: %v", err)
	}
}

// eventually polls cond until it holds, failing t after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recorder is a handler that records what it got.
type recorder struct {
	mu   sync.Mutex
	got  map[string]int // event id -> deliveries
	fail func(e event.Envelope, n int) error
}

func newRecorder() *recorder { return &recorder{got: make(map[string]int)} }

func (r *recorder) handle(_ context.Context, e event.Envelope) error {
	r.mu.Lock()
	r.got[e.ID]++
	n := r.got[e.ID]
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		return fail(e, n)
	}
	return nil
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[id]
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.got {
		n += c
	}
	return n
}

func queued(t *testing.T, b *bus.Bus, consumer string) int {
	t.Helper()
	q, err := b.Queued()
	if err != nil {
		t.Fatal(err)
	}
	return q[consumer]
}

func TestDeliveryToDeclaredConsumers(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), quick)
	catalog, reviews := newRecorder(), newRecorder()
	if err := b.Declare("catalog", []string{"OrderPlaced", "OrderCancelled"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Declare("reviews", []string{"OrderConfirmed", "OrderCancelled"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Declare("catalog", []string{"OrderPlaced"}); err == nil {
		t.Error("a second declaration of catalog succeeded")
	}
	placed, cancelled, confirmed, nobody := newEvent(t, "OrderPlaced", "o1"), newEvent(t, "OrderCancelled", "o1"),
		newEvent(t, "OrderConfirmed", "o2"), newEvent(t, "CartAbandoned", "c1")
	publish(t, b, placed, cancelled, confirmed, nobody)

	for _, s := range []event.Subscription{
		{Consumer: "catalog", Types: []string{"OrderCancelled", "OrderPlaced"}, Handler: catalog.handle},
		{Consumer: "reviews", Types: []string{"OrderConfirmed", "OrderCancelled"}, Handler: reviews.handle},
	} {
		if err := b.Attach(s); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "every event delivered to its consumers", func() bool { return catalog.total() == 2 && reviews.total() == 2 })
	eventually(t, "the queues empty", func() bool { return queued(t, b, "catalog") == 0 && queued(t, b, "reviews") == 0 })
	for _, c := range []struct {
		r    *recorder
		name string
		want map[string]int
	}{
		{catalog, "catalog", map[string]int{placed.ID: 1, cancelled.ID: 1}},
		{reviews, "reviews", map[string]int{cancelled.ID: 1, confirmed.ID: 1}},
	} {
		c.r.mu.Lock()
		if fmt.Sprint(c.r.got) != fmt.Sprint(c.want) {
			t.Errorf("%s got %v, want %v", c.name, c.r.got, c.want)
		}
		c.r.mu.Unlock()
	}

	if err := b.Attach(event.Subscription{Consumer: "orders", Types: []string{"StockReserved"}, Handler: catalog.handle}); !errors.Is(err, bus.ErrUndeclared) {
		t.Errorf("attach an undeclared consumer: %v, want ErrUndeclared", err)
	}
	if err := b.Attach(event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"}, Handler: catalog.handle}); err == nil {
		t.Error("a second attach of catalog succeeded")
	}
	if err := b.Publish(context.Background(), []event.Envelope{{ID: "not-an-event"}}); err == nil {
		t.Error("publishing an invalid envelope succeeded")
	}
}

func TestTypesMustMatchTheDeclaration(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), quick)
	if err := b.Declare("catalog", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	err := b.Attach(event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced", "ReviewSubmitted"}, Handler: newRecorder().handle})
	if err == nil {
		t.Error("attaching with other types than declared succeeded")
	}
}

// TestUnattachedConsumerWaits: events published for a consumer declared but
// not attached wait in its queue (while another consumer's are delivered),
// and are delivered once it is attached.
func TestUnattachedConsumerWaits(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), quick)
	early, late := newRecorder(), newRecorder()
	for _, name := range []string{"early", "late"} {
		if err := b.Declare(name, []string{"OrderPlaced"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Attach(event.Subscription{Consumer: "early", Types: []string{"OrderPlaced"}, Handler: early.handle}); err != nil {
		t.Fatal(err)
	}
	e := newEvent(t, "OrderPlaced", "o1")
	publish(t, b, e)
	eventually(t, "the attached consumer got the event", func() bool { return early.count(e.ID) == 1 && queued(t, b, "early") == 0 })
	if n := queued(t, b, "late"); n != 1 {
		t.Fatalf("the unattached consumer's queue holds %d events, want 1", n)
	}
	if late.total() != 0 {
		t.Fatal("an unattached handler was called")
	}
	if err := b.Attach(event.Subscription{Consumer: "late", Types: []string{"OrderPlaced"}, Handler: late.handle}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the late consumer got the event that waited", func() bool { return late.count(e.ID) == 1 && queued(t, b, "late") == 0 })
}

// TestRetriesWithBackoff: a handler that fails twice gets the event a third
// time, each attempt no sooner than the policy's delay (less its jitter),
// and the event leaves the queue only after the success.
func TestRetriesWithBackoff(t *testing.T) {
	p := bus.Policy{Attempts: 5, Base: 30 * time.Millisecond, Max: time.Second, Timeout: time.Second}
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), p)
	var mu sync.Mutex
	var at []time.Time
	handler := func(ctx context.Context, e event.Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		at = append(at, time.Now())
		if event.CorrelationID(ctx) != e.CorrelationID {
			t.Errorf("the handler's context carries correlation id %q, want %q", event.CorrelationID(ctx), e.CorrelationID)
		}
		if len(at) <= 2 {
			return fmt.Errorf("failure %d", len(at))
		}
		return nil
	}
	attempts := func() int { mu.Lock(); defer mu.Unlock(); return len(at) }
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: handler}); err != nil {
		t.Fatal(err)
	}
	publish(t, b, newEvent(t, "OrderPlaced", "o1"))
	eventually(t, "three attempts", func() bool { return attempts() == 3 })
	eventually(t, "the queue empty after the success", func() bool { return queued(t, b, "c") == 0 })
	mu.Lock()
	defer mu.Unlock()
	for n := 1; n < len(at); n++ {
		gap, least := at[n].Sub(at[n-1]), p.Delay(n)*3/4
		if gap < least {
			t.Errorf("attempt %d came %v after attempt %d, want at least %v", n+1, gap, n, least)
		}
	}
	if len(at) != 3 {
		t.Errorf("%d attempts, want 3", len(at))
	}
	dead, err := b.DeadLetters()
	if err != nil || len(dead) != 0 {
		t.Errorf("dead letters %v, %v; want none", dead, err)
	}
}

func TestDelays(t *testing.T) {
	p := bus.Policy{}
	var got []time.Duration
	var total time.Duration
	for n := 1; n < bus.DefaultAttempts; n++ {
		got = append(got, p.Delay(n))
		total += p.Delay(n)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("default delays %v, want %v", got, want)
	}
	// A store frozen or down for half a minute must not make dead letters:
	// even with the shortest jitter, the attempts span more than that.
	if least := total * 3 / 4; least <= 30*time.Second {
		t.Errorf("the default attempts span at least %v, want more than 30 s", least)
	}
}

// TestDeadLetterAndRedrive: an event that fails at every attempt is a dead
// letter after the last one, with its error and attempt count, no longer
// delivered; redriven, it gets its attempts again and, once the handler is
// fixed, is delivered and leaves the dead letters.
func TestDeadLetterAndRedrive(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), quick)
	var fixed atomic.Bool
	r := newRecorder()
	r.fail = func(e event.Envelope, n int) error {
		if fixed.Load() {
			return nil
		}
		return fmt.Errorf("poison, attempt %d", n)
	}
	for _, name := range []string{"catalog", "reviews"} {
		if err := b.Declare(name, []string{"OrderPlaced"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Attach(event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	poison, good := newEvent(t, "OrderPlaced", "poison"), newEvent(t, "OrderPlaced", "good")
	publish(t, b, poison)
	var dead []bus.DeadLetter
	eventually(t, "a dead letter", func() bool {
		var err error
		dead, err = b.DeadLetters()
		return err == nil && len(dead) == 1
	})
	d := dead[0]
	if d.Consumer != "catalog" || d.Event.ID != poison.ID || d.Attempts != quick.Attempts || d.LastError != "poison, attempt 3" ||
		!strings.HasPrefix(d.ID, "catalog/") || d.Dead.IsZero() {
		t.Errorf("dead letter %+v, want catalog's, of %s, after %d attempts, with the last error", d, poison.ID, quick.Attempts)
	}
	if !equalEnvelopes(d.Event, poison) {
		t.Errorf("the dead letter's event %+v differs from the one published %+v", d.Event, poison)
	}
	if n := r.count(poison.ID); n != quick.Attempts {
		t.Errorf("the handler got the poison event %d times, want %d", n, quick.Attempts)
	}
	if n := queued(t, b, "catalog"); n != 0 {
		t.Errorf("catalog's queue holds %d events after the dead letter, want 0", n)
	}

	// Other events still flow.
	fixed.Store(true)
	publish(t, b, good)
	eventually(t, "a good event delivered beside the dead letter", func() bool { return r.count(good.ID) == 1 && queued(t, b, "catalog") == 0 })
	fixed.Store(false)

	// Redriven while still failing: its attempts start again from 0.
	if n, err := b.Redrive(bus.Filter{Consumer: "reviews"}); err != nil || n != 0 {
		t.Errorf("redrive of reviews' dead letters: %d, %v; want 0", n, err)
	}
	if n, err := b.Redrive(bus.Filter{EventID: poison.ID}); err != nil || n != 1 {
		t.Fatalf("redrive: %d, %v; want 1", n, err)
	}
	eventually(t, "dead again after its attempts", func() bool {
		dead, err := b.DeadLetters()
		return err == nil && len(dead) == 1 && dead[0].Attempts == quick.Attempts
	})
	if n := r.count(poison.ID); n != 2*quick.Attempts {
		t.Errorf("after a redrive the handler got the poison event %d times in all, want %d", n, 2*quick.Attempts)
	}

	// Fixed, and redriven: delivered once more, and gone.
	fixed.Store(true)
	if n, err := b.Redrive(bus.Filter{}); err != nil || n != 1 {
		t.Fatalf("redrive: %d, %v; want 1", n, err)
	}
	eventually(t, "the redriven event delivered", func() bool { return r.count(poison.ID) == 2*quick.Attempts+1 })
	eventually(t, "no dead letter and an empty queue", func() bool {
		dead, err := b.DeadLetters()
		return err == nil && len(dead) == 0 && queued(t, b, "catalog") == 0
	})
}

func equalEnvelopes(a, b event.Envelope) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestPanicAndTimeoutAreFailures: a handler that panics or outlives the
// attempt's timeout fails that attempt; the bus goes on.
func TestPanicAndTimeoutAreFailures(t *testing.T) {
	p := quick
	p.Timeout = 50 * time.Millisecond
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), p)
	if err := b.Declare("c", []string{"OrderPlaced", "OrderCancelled"}); err != nil {
		t.Fatal(err)
	}
	handler := func(ctx context.Context, e event.Envelope) error {
		if e.Type == "OrderPlaced" {
			panic("bug")
		}
		<-ctx.Done()
		return ctx.Err()
	}
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced", "OrderCancelled"}, Handler: handler}); err != nil {
		t.Fatal(err)
	}
	publish(t, b, newEvent(t, "OrderPlaced", "o1"), newEvent(t, "OrderCancelled", "o2"))
	var dead []bus.DeadLetter
	eventually(t, "both dead letters", func() bool {
		var err error
		dead, err = b.DeadLetters()
		return err == nil && len(dead) == 2
	})
	for _, d := range dead {
		want := map[string]string{"OrderPlaced": "handler panicked: bug", "OrderCancelled": context.DeadlineExceeded.Error()}[d.Event.Type]
		if d.LastError != want || d.Attempts != p.Attempts {
			t.Errorf("%s: dead after %d attempts with %q, want %d and %q", d.Event.Type, d.Attempts, d.LastError, p.Attempts, want)
		}
	}
}

// TestReopenKeepsQueuesAttemptsAndDeadLetters: what a bus holds is in its
// file: queued events, failed attempts and dead letters survive a close.
func TestReopenKeepsQueuesAttemptsAndDeadLetters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus", "events.db")
	first, err := bus.Open(bus.Options{Path: path, Policy: quick})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"waiting", "failing"} {
		if err := first.Declare(name, []string{"OrderPlaced"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bus.Open(bus.Options{Path: path}); err == nil {
		t.Error("a second Open of a file in use succeeded")
	}
	var failures atomic.Int32
	failing := func(context.Context, event.Envelope) error { failures.Add(1); return errors.New("down") }
	if err := first.Attach(event.Subscription{Consumer: "failing", Types: []string{"OrderPlaced"}, Handler: failing}); err != nil {
		t.Fatal(err)
	}
	e := newEvent(t, "OrderPlaced", "o1")
	publish(t, first, e)
	eventually(t, "two failed attempts", func() bool { return failures.Load() >= 2 })
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Publish(context.Background(), []event.Envelope{e}); !errors.Is(err, bus.ErrClosed) {
		t.Errorf("publish after Close: %v, want ErrClosed", err)
	}
	n := int(failures.Load())
	if n >= quick.Attempts {
		t.Skipf("the bus made its %d attempts before it closed", n)
	}

	second := open(t, path, quick)
	for _, name := range []string{"waiting", "failing"} {
		if err := second.Declare(name, []string{"OrderPlaced"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := queued(t, second, "waiting"); got != 1 {
		t.Errorf("after a reopen the waiting consumer's queue holds %d events, want 1", got)
	}
	waiting := newRecorder()
	if err := second.Attach(event.Subscription{Consumer: "waiting", Types: []string{"OrderPlaced"}, Handler: waiting.handle}); err != nil {
		t.Fatal(err)
	}
	if err := second.Attach(event.Subscription{Consumer: "failing", Types: []string{"OrderPlaced"}, Handler: failing}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the waiting event delivered after the reopen", func() bool { return waiting.count(e.ID) == 1 })
	eventually(t, "the failing event dead after its remaining attempts", func() bool {
		dead, err := second.DeadLetters()
		return err == nil && len(dead) == 1
	})
	if got := int(failures.Load()); got != quick.Attempts {
		t.Errorf("%d attempts across the reopen, want %d: the count of attempts was not kept", got, quick.Attempts)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	third := open(t, path, quick)
	dead, err := third.DeadLetters()
	if err != nil || len(dead) != 1 || dead[0].Event.ID != e.ID {
		t.Errorf("after a reopen the dead letters are %v, %v; want the one of %s", dead, err, e.ID)
	}
}

// TestConcurrentWorkers: a consumer's events are handled by its workers at
// once (as many as it has, no more), each exactly once, under concurrent
// publishers.
func TestConcurrentWorkers(t *testing.T) {
	p := quick
	p.Workers = 4
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), p)
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	running, most := 0, 0
	got := make(map[string]int)
	full := make(chan struct{}) // closed when all workers were busy at once
	var once sync.Once
	handler := func(ctx context.Context, e event.Envelope) error {
		mu.Lock()
		running++
		most = max(most, running)
		got[e.ID]++
		if running == p.Workers {
			once.Do(func() { close(full) })
		}
		mu.Unlock()
		select { // the first events wait until the workers are all busy
		case <-full:
		case <-ctx.Done():
		}
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	}
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: handler}); err != nil {
		t.Fatal(err)
	}
	const publishers, each = 8, 10
	var wg sync.WaitGroup
	var ids sync.Map
	for i := range publishers {
		wg.Go(func() {
			for j := range each {
				e := newEvent(t, "OrderPlaced", fmt.Sprintf("o%d-%d", i, j))
				ids.Store(e.ID, true)
				publish(t, b, e)
			}
		})
	}
	wg.Wait()
	eventually(t, "every event handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == publishers*each
	})
	eventually(t, "the queue empty", func() bool { return queued(t, b, "c") == 0 })
	mu.Lock()
	defer mu.Unlock()
	if most != p.Workers {
		t.Errorf("at most %d events were handled at once, want %d", most, p.Workers)
	}
	for id, n := range got {
		if _, ok := ids.Load(id); !ok || n != 1 {
			t.Errorf("event %s handled %d times, want once", id, n)
		}
	}
}

// TestCloseWaitsForHandlers: Close lets the handler in flight finish and
// stores its outcome; a handler still running at the close timeout is
// canceled, and its event stays queued, its attempt not counted.
func TestCloseWaitsForHandlers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus.db")
	b, err := bus.Open(bus.Options{Path: path, Policy: quick, CloseTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	handler := func(context.Context, event.Envelope) error {
		close(started)
		<-release
		finished.Store(true)
		return nil
	}
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: handler}); err != nil {
		t.Fatal(err)
	}
	publish(t, b, newEvent(t, "OrderPlaced", "o1"))
	<-started
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	eventually(t, "the bus stopping", func() bool {
		err := b.Attach(event.Subscription{Consumer: "nobody", Types: []string{"OrderPlaced"}, Handler: newRecorder().handle})
		return errors.Is(err, bus.ErrClosed)
	})
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Close returned before the handler in flight finished")
	}
	b2 := open(t, path, quick)
	if err := b2.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	if n := queued(t, b2, "c"); n != 0 {
		t.Errorf("the event handled during Close is still queued (%d)", n)
	}

	// A handler that outlives the close timeout is canceled.
	b2.Close()
	b3, err := bus.Open(bus.Options{Path: path, Policy: quick, CloseTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := b3.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	started = make(chan struct{})
	slow := func(ctx context.Context, e event.Envelope) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}
	if err := b3.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: slow}); err != nil {
		t.Fatal(err)
	}
	publish(t, b3, newEvent(t, "OrderPlaced", "o3"))
	<-started
	if err := b3.Close(); err != nil {
		t.Fatal(err)
	}
	b4 := open(t, path, quick)
	if err := b4.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if err := b4.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the canceled event delivered after a reopen", func() bool { return r.total() == 1 && queued(t, b4, "c") == 0 })
	if dead, _ := b4.DeadLetters(); len(dead) != 0 {
		t.Errorf("dead letters %v, want none", dead)
	}
}

func TestAdmin(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "bus.db"), quick)
	srv := httptest.NewServer(b.Admin())
	defer srv.Close()
	get := func() bus.DeadLettersDoc {
		t.Helper()
		resp, err := http.Get(srv.URL + bus.DeadLettersPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %s %s", bus.DeadLettersPath, resp.Status, resp.Header.Get("Content-Type"))
		}
		var doc bus.DeadLettersDoc
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	if doc := get(); len(doc.Items) != 0 {
		t.Errorf("dead letters of a new bus: %+v", doc)
	}
	var fixed atomic.Bool
	if err := b.Declare("catalog", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	r.fail = func(event.Envelope, int) error {
		if fixed.Load() {
			return nil
		}
		return errors.New("poison")
	}
	if err := b.Attach(event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	e := newEvent(t, "OrderPlaced", "o1")
	publish(t, b, e)
	eventually(t, "a dead letter listed", func() bool { return len(get().Items) == 1 })
	if d := get().Items[0]; d.Event.ID != e.ID || d.LastError != "poison" || d.Consumer != "catalog" {
		t.Errorf("listed %+v", d)
	}
	fixed.Store(true)
	resp, err := http.Post(srv.URL+bus.RedrivePath+"?consumer=catalog", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc bus.RedrivenDoc
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || doc.Redriven != 1 {
		t.Errorf("POST %s: %s, %+v, %v", bus.RedrivePath, resp.Status, doc, err)
	}
	eventually(t, "the redriven event delivered", func() bool { return r.count(e.ID) == quick.Attempts+1 })
	if doc := get(); len(doc.Items) != 0 {
		t.Errorf("dead letters after the redrive: %+v", doc)
	}
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, bus.RedrivePath, http.StatusMethodNotAllowed},
		{http.MethodDelete, bus.DeadLettersPath, http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.want)
		}
	}
}

// The kill -9 tests run a child process (this test binary again, with
// childEnv set) that opens the bus and works on it until the test kills it.
const childEnv = "BUS_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Getenv("BUS_TEST_PATH")))
	}
	os.Exit(m.Run())
}

// child is the killed process. "publish": publish three events, print
// their ids, then wait to be killed. "handle": attach a handler that
// prints the id of the event it got and never returns.
func child(mode, path string) int {
	b, err := bus.Open(bus.Options{Path: path, Policy: quick})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	switch mode {
	case "publish":
		for i := range 3 {
			e, err := makeEvent("OrderPlaced", fmt.Sprintf("o%d", i))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if err := b.Publish(context.Background(), []event.Envelope{e}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Println(e.ID) // after Publish returned: the event is on disk
		}
	case "handle":
		err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: func(ctx context.Context, e event.Envelope) error {
			fmt.Println(e.ID)
			select {}
		}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println("ready")
	select {}
}

// runChild starts the child in mode on the bus at path, reads the ids it
// prints until it says ready (or, in handle mode, until it printed one),
// and kills it with SIGKILL.
func runChild(t *testing.T, mode, path string, lines int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "BUS_TEST_PATH="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	sc := bufio.NewScanner(out)
	for len(ids) < lines && sc.Scan() {
		if line := sc.Text(); line != "ready" {
			ids = append(ids, line)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, want killed by SIGKILL", err)
	}
	if len(ids) != lines {
		t.Fatalf("the child printed %v before it was killed, want %d ids", ids, lines)
	}
	return ids
}

// TestKillAfterPublish: events Publish accepted are delivered after the
// process that published them was killed with SIGKILL.
func TestKillAfterPublish(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus.db")
	ids := runChild(t, "publish", path, 3)
	b := open(t, path, quick)
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every event published before the kill delivered", func() bool {
		for _, id := range ids {
			if r.count(id) != 1 {
				return false
			}
		}
		return true
	})
	eventually(t, "the queue empty", func() bool { return queued(t, b, "c") == 0 })
}

// TestKillDuringHandler: an event whose handler was running when its
// process was killed is delivered again after a restart.
func TestKillDuringHandler(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus.db")
	b, err := bus.Open(bus.Options{Path: path, Policy: quick})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	e := newEvent(t, "OrderPlaced", "o1")
	publish(t, b, e)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := runChild(t, "handle", path, 1); got[0] != e.ID {
		t.Fatalf("the child handled %s, want %s", got[0], e.ID)
	}
	b = open(t, path, quick)
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the event delivered again after the kill", func() bool { return r.count(e.ID) == 1 && queued(t, b, "c") == 0 })
}

// TestStopKeepsPublishing: after Stop nothing is delivered, but what is
// published until Close is queued, for the next run.
func TestStopKeepsPublishing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus.db")
	b, err := bus.Open(bus.Options{Path: path, Policy: quick})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	e := newEvent(t, "OrderPlaced", "o1")
	publish(t, b, e)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if n := r.total(); n != 0 {
		t.Errorf("%d deliveries after Stop, want none", n)
	}
	b = open(t, path, quick)
	if err := b.Declare("c", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Attach(event.Subscription{Consumer: "c", Types: []string{"OrderPlaced"}, Handler: r.handle}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the event published after Stop delivered by the next run", func() bool { return r.count(e.ID) == 1 })
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, nil))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
