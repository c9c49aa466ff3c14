// Package bus is the event bus of `make dev`: an event.Publisher that keeps
// a durable queue per consumer in one file and delivers each event to its
// consumers' handlers, at least once, with retries and dead letters.
//
// It plays the part EventBridge, a rule per consumer and an SQS queue per
// consumer play in AWS:
//
//   - Consumers are declared (Declare: a name and the event types it
//     consumes) before any producer publishes, the way the AWS stack creates
//     the rules and queues before any function runs, so that nothing
//     published while the contexts open and seed is missed by a consumer
//     whose context is not open yet. Its handler is attached later (Attach);
//     until then its events wait in its queue.
//   - Publish writes every event into the queue of each consumer declared
//     for its type, in one transaction of the file that is synced to disk
//     before Publish returns: an event Publish accepted survives a kill -9.
//   - Each consumer has a few workers. An event leaves its queue only once
//     its handler returned nil; an error (or a panic, or the per-attempt
//     timeout) makes it wait, with exponential backoff and jitter, for its
//     next attempt. After the last attempt it is a dead letter, kept in the
//     same file with its last error and its number of attempts, until it is
//     redriven (Redrive) back to its consumer's queue with its attempts
//     reset.
//
// Delivery is in no particular order, and an event may be delivered twice
// (a crash after the handler's effect and before its removal): consumers are
// idempotent, as on SQS.
package bus

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"example.com/quartet/packages/event"
)

// The retry policy of make dev. An event's attempts are spaced by
// Base·2^(n-1) after its n-th failure, at most Max, each delay scaled by a
// random factor in [0.75, 1.25) (jitter, so that events that failed
// together do not all come back at once). With the defaults the delays are
// about 0.25, 0.5, 1, 2, 4, 8, 10, 10 and 10 s: an event that fails at once
// every time is a dead letter after its 10th attempt, at least 34 s (about
// 46 s on average) after its first; attempts that run into the timeout add
// up to 5 s each. So a consumer whose store is frozen or down for half a
// minute gets its events once it is back, and only an event that fails for
// longer, or always, ends in the dead letters.
const (
	DefaultAttempts = 10
	DefaultBase     = 250 * time.Millisecond
	DefaultMax      = 10 * time.Second
	// DefaultTimeout bounds one attempt, as eventbus.DefaultTimeout bounds
	// one event in AWS.
	DefaultTimeout = 5 * time.Second
	// DefaultWorkers is how many events of one consumer are handled at
	// once.
	DefaultWorkers = 4
	// DefaultCloseTimeout bounds Close's wait for the handlers in flight;
	// then their contexts are canceled.
	DefaultCloseTimeout = 10 * time.Second
)

// Policy is how a bus retries. Zero fields take the defaults.
type Policy struct {
	// Attempts is how many times an event is handed to its handler before
	// it is a dead letter.
	Attempts int
	// Base is the delay after the first failure; it doubles after each
	// further one, up to Max.
	Base, Max time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Workers is how many events of one consumer are handled at once.
	Workers int
}

func (p Policy) withDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultAttempts
	}
	if p.Base <= 0 {
		p.Base = DefaultBase
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.Max < p.Base {
		p.Max = p.Base
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.Workers <= 0 {
		p.Workers = DefaultWorkers
	}
	return p
}

// Delay returns the wait after an event's n-th failed attempt (n ≥ 1),
// before jitter.
func (p Policy) Delay(n int) time.Duration {
	p = p.withDefaults()
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// jittered returns d scaled by a random factor in [0.75, 1.25).
func jittered(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// Options configures Open.
type Options struct {
	// Path is the bus's file, created if missing, such as
	// .data/bus/events.db.
	Path string
	// Policy is how it retries.
	Policy Policy
	// Logger receives a line per delivery, failed attempt and dead letter,
	// each with the event's attributes (correlation_id among them). Nil
	// discards them.
	Logger *slog.Logger
	// CloseTimeout bounds Close's wait for handlers in flight; zero means
	// DefaultCloseTimeout.
	CloseTimeout time.Duration
}

// Errors of the bus.
var (
	ErrClosed     = errors.New("bus: closed")
	ErrUndeclared = errors.New("bus: consumer not declared")
)

// Bus is the local event bus. Its methods are safe for concurrent use.
type Bus struct {
	db           *bolt.DB
	policy       Policy
	logger       *slog.Logger
	closeTimeout time.Duration

	ctx    context.Context // canceled by Close, after its wait: ends handlers
	cancel context.CancelFunc

	mu        sync.Mutex
	stopped   bool // Stop was called: no more deliveries
	closed    bool // Close was called: no more publishes
	consumers map[string]*consumer
	wg        sync.WaitGroup // dispatchers
	handlers  sync.WaitGroup // handlers in flight
	stop      chan struct{}  // closed by Close: stop dispatching
}

// consumer is one declared consumer and its queue.
type consumer struct {
	name     string
	types    []string
	sub      *event.Subscription // nil until attached
	wake     chan struct{}       // a new event, a free worker, the handler attached
	inflight map[uint64]bool     // keys being handled; guarded by Bus.mu
}

// Buckets of the file: queue/<consumer> and dead/<consumer>, keyed by an
// 8-byte big-endian sequence number, valued by a JSON record.
const (
	queuePrefix = "queue/"
	deadPrefix  = "dead/"
)

// record is an event in a queue or among the dead letters.
type record struct {
	Event     event.Envelope `json:"event"`
	Attempts  int            `json:"attempts"`
	LastError string         `json:"lastError,omitempty"`
	NotBefore time.Time      `json:"notBefore"`
	Enqueued  time.Time      `json:"enqueued"`
	Dead      time.Time      `json:"dead,omitzero"`
}

// Open opens the bus in the file at opts.Path, creating it and its
// directory if missing, with every event a previous run left in its queues
// and dead letters. It fails at once if another process has the file open.
func Open(opts Options) (*Bus, error) {
	if opts.Path == "" {
		return nil, errors.New("bus: no path")
	}
	if err := os.MkdirAll(filepath.Dir(opts.Path), 0o755); err != nil {
		return nil, fmt.Errorf("bus: %w", err)
	}
	db, err := bolt.Open(opts.Path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("bus: open %s (is another make dev running on this data directory?): %w", opts.Path, err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	closeTimeout := opts.CloseTimeout
	if closeTimeout <= 0 {
		closeTimeout = DefaultCloseTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{
		db: db, policy: opts.Policy.withDefaults(), logger: logger.With("component", "bus"), closeTimeout: closeTimeout,
		ctx: ctx, cancel: cancel, consumers: make(map[string]*consumer), stop: make(chan struct{}),
	}, nil
}

var _ event.Publisher = (*Bus)(nil)

// Declare declares a consumer and the event types it consumes, creating its
// queue. From then on Publish queues those events for it, and they wait
// until its handler is attached. Declare every consumer before anything
// publishes. A consumer is declared once.
func (b *Bus) Declare(name string, types []string) error {
	if name == "" {
		return errors.New("bus: a consumer needs a name")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return ErrClosed
	}
	if _, dup := b.consumers[name]; dup {
		return fmt.Errorf("bus: consumer %q declared twice", name)
	}
	err := b.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists([]byte(queuePrefix + name)); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists([]byte(deadPrefix + name))
		return err
	})
	if err != nil {
		return fmt.Errorf("bus: declare %s: %w", name, err)
	}
	c := &consumer{name: name, types: sortedCopy(types), wake: make(chan struct{}, 1), inflight: make(map[uint64]bool)}
	b.consumers[name] = c
	b.wg.Add(1)
	go b.dispatch(c)
	return nil
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Attach attaches a declared consumer's handler: sub.Consumer names it and
// sub.Types must be the types it was declared with. Its queue, including
// what waited for it, is delivered from then on.
func (b *Bus) Attach(sub event.Subscription) error {
	if sub.Handler == nil {
		return fmt.Errorf("bus: consumer %q has no handler", sub.Consumer)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return ErrClosed
	}
	c, ok := b.consumers[sub.Consumer]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUndeclared, sub.Consumer)
	}
	if c.sub != nil {
		return fmt.Errorf("bus: consumer %q attached twice", sub.Consumer)
	}
	if got := sortedCopy(sub.Types); !slices.Equal(got, c.types) {
		return fmt.Errorf("bus: consumer %q consumes %v, declared with %v", sub.Consumer, got, c.types)
	}
	c.sub = &sub
	c.poke()
	return nil
}

// poke wakes the consumer's dispatcher.
func (c *consumer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Publish queues each event for every consumer declared for its type, in
// one transaction synced to disk, and returns once it is. An event no
// consumer is declared for is accepted and dropped, as EventBridge drops an
// event no rule matches.
func (b *Bus) Publish(ctx context.Context, events []event.Envelope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("bus: %w", err)
		}
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	type target struct {
		c *consumer
		e event.Envelope
	}
	var targets []target
	for _, e := range events {
		for _, c := range b.consumers {
			if slices.Contains(c.types, e.Type) {
				targets = append(targets, target{c, e})
			}
		}
	}
	b.mu.Unlock()
	if len(targets) == 0 {
		return nil
	}
	now := time.Now().UTC()
	err := b.db.Update(func(tx *bolt.Tx) error {
		for _, t := range targets {
			if err := put(tx.Bucket([]byte(queuePrefix+t.c.name)), record{Event: t.e, NotBefore: now, Enqueued: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	if err != nil {
		return fmt.Errorf("bus: publish: %w", err)
	}
	for _, t := range targets {
		t.c.poke()
	}
	return nil
}

// put adds r to bucket under the bucket's next sequence number.
func put(bucket *bolt.Bucket, r record) error {
	if bucket == nil {
		return errors.New("bus: missing bucket")
	}
	seq, err := bucket.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return bucket.Put(key(seq), v)
}

func key(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// dispatch hands c's ready events to its workers until Close.
func (b *Bus) dispatch(c *consumer) {
	defer b.wg.Done()
	sem := make(chan struct{}, b.policy.Workers)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		b.mu.Lock()
		attached := c.sub != nil
		b.mu.Unlock()
		next := time.Duration(-1)
		if attached {
			next = b.dispatchReady(c, sem)
		}
		if next >= 0 {
			timer.Reset(next)
		}
		select {
		case <-b.stop:
			return
		case <-c.wake:
		case <-timer.C:
		}
		if next >= 0 && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// dispatchReady starts a worker for each event of c's queue that is due
// and not in flight, as long as workers are free, and returns when the
// next event not started is due (-1: none waits, or no worker was free,
// which wakes the dispatcher when it is).
func (b *Bus) dispatchReady(c *consumer, sem chan struct{}) time.Duration {
	type item struct {
		seq uint64
		r   record
	}
	var ready []item
	next := time.Duration(-1)
	now := time.Now()
	err := b.db.View(func(tx *bolt.Tx) error {
		bucket := tx.Bucket([]byte(queuePrefix + c.name))
		if bucket == nil {
			return nil
		}
		free := cap(sem) - len(sem)
		return bucket.ForEach(func(k, v []byte) error {
			seq := binary.BigEndian.Uint64(k)
			b.mu.Lock()
			busy := c.inflight[seq]
			b.mu.Unlock()
			if busy {
				return nil
			}
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("record %d: %w", seq, err)
			}
			if wait := r.NotBefore.Sub(now); wait > 0 {
				if next < 0 || wait < next {
					next = wait
				}
				return nil
			}
			if len(ready) < free {
				ready = append(ready, item{seq, r})
			}
			return nil
		})
	})
	if err != nil {
		b.logger.Error("bus: read the queue", "consumer", c.name, "error", err)
		return time.Second
	}
	for _, it := range ready {
		b.mu.Lock()
		if b.stopped {
			b.mu.Unlock()
			return -1
		}
		c.inflight[it.seq] = true
		sub := *c.sub
		b.handlers.Add(1)
		b.mu.Unlock()
		sem <- struct{}{}
		go func() {
			defer b.handlers.Done()
			// The scan's snapshot may predate the outcome of an attempt that
			// finished since: read the record again, now that it is marked
			// in flight, and leave it if it is gone or no longer due.
			if r, ok := b.load(c, it.seq); ok && !r.NotBefore.After(time.Now()) {
				b.deliver(c, sub, it.seq, r)
			}
			<-sem
			b.mu.Lock()
			delete(c.inflight, it.seq)
			b.mu.Unlock()
			c.poke()
		}()
	}
	return next
}

// load reads the record seq of c's queue.
func (b *Bus) load(c *consumer, seq uint64) (record, bool) {
	var r record
	found := false
	err := b.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(queuePrefix + c.name)).Get(key(seq))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		b.logger.Error("bus: read a queued event", "consumer", c.name, "error", err)
		return record{}, false
	}
	return r, found
}

// deliver makes one attempt at r and records its outcome: removed from the
// queue on success, back in it for later on failure, a dead letter after
// the last attempt. An attempt cut short by Close leaves r as it was.
func (b *Bus) deliver(c *consumer, sub event.Subscription, seq uint64, r record) {
	e := r.Event
	attrs := append(e.LogAttrs(), slog.String("consumer", c.name), slog.Int("attempt", r.Attempts+1))
	if !sub.Wants(e.Type) {
		// Queued under an earlier declaration: nothing to do.
		b.logger.LogAttrs(b.ctx, slog.LevelInfo, "event dropped: the consumer no longer consumes its type", attrs...)
		b.remove(c, seq, attrs)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, b.policy.Timeout)
	start := time.Now()
	err := handle(ctx, sub, e)
	cancel()
	took := slog.Duration("took", time.Since(start).Round(time.Millisecond))
	if err == nil {
		b.logger.LogAttrs(b.ctx, slog.LevelInfo, "event delivered", append(attrs, took)...)
		b.remove(c, seq, attrs)
		return
	}
	if b.ctx.Err() != nil {
		b.logger.LogAttrs(context.Background(), slog.LevelInfo, "event delivery cut short by the bus's shutdown; it stays queued", append(attrs, slog.Any("error", err))...)
		return
	}
	r.Attempts++
	r.LastError = err.Error()
	if r.Attempts >= b.policy.Attempts {
		r.Dead = time.Now().UTC()
		err := b.db.Update(func(tx *bolt.Tx) error {
			if err := tx.Bucket([]byte(queuePrefix + c.name)).Delete(key(seq)); err != nil {
				return err
			}
			return put(tx.Bucket([]byte(deadPrefix+c.name)), r)
		})
		if err != nil {
			b.logger.LogAttrs(b.ctx, slog.LevelError, "bus: could not record a dead letter; the event stays queued", append(attrs, slog.Any("error", err))...)
			return
		}
		b.logger.LogAttrs(b.ctx, slog.LevelError, "event is a dead letter: list with make dead-letters, replay with make redrive STAGE=local",
			append(attrs, took, slog.String("error", r.LastError))...)
		return
	}
	delay := jittered(b.policy.Delay(r.Attempts))
	r.NotBefore = time.Now().Add(delay).UTC()
	uerr := b.db.Update(func(tx *bolt.Tx) error {
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return tx.Bucket([]byte(queuePrefix+c.name)).Put(key(seq), v)
	})
	if uerr != nil {
		b.logger.LogAttrs(b.ctx, slog.LevelError, "bus: could not record a failed attempt", append(attrs, slog.Any("error", uerr))...)
	}
	b.logger.LogAttrs(b.ctx, slog.LevelWarn, "event delivery failed; retrying",
		append(attrs, took, slog.Int("attempts", b.policy.Attempts), slog.Duration("retry_in", delay.Round(time.Millisecond)), slog.String("error", r.LastError))...)
}

// handle calls the subscription's handler, turning a panic into an error.
func handle(ctx context.Context, sub event.Subscription, e event.Envelope) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return sub.Handle(ctx, e)
}

// remove deletes a handled event from c's queue. If it cannot, the event is
// delivered again: at least once.
func (b *Bus) remove(c *consumer, seq uint64, attrs []slog.Attr) {
	err := b.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(queuePrefix + c.name)).Delete(key(seq))
	})
	if err != nil {
		b.logger.LogAttrs(b.ctx, slog.LevelWarn, "bus: could not remove a delivered event; it will be delivered again", append(attrs, slog.Any("error", err))...)
	}
}

// Stop stops delivering and waits for the handlers in flight: at most the
// close timeout, then it cancels their contexts and waits a little more
// (an attempt cut short so is not counted). Publish still queues events
// until Close, so that producers closing after the bus's consumers lose
// nothing. Stop is for a system shutting down: stop delivery, close the
// consumers, then Close the bus.
func (b *Bus) Stop() {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return
	}
	b.stopped = true
	close(b.stop)
	b.mu.Unlock()
	b.wg.Wait()

	done := make(chan struct{})
	go func() { b.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.closeTimeout):
		b.logger.Warn("bus: handlers still running at shutdown; canceling them", "waited", b.closeTimeout)
		b.cancel()
		select {
		case <-done:
		case <-time.After(time.Second):
			b.logger.Warn("bus: a handler ignores its context; closing without it")
		}
	}
	b.cancel()
}

// Close stops delivering (Stop) and closes the file. Events still queued
// stay for the next Open; Publish fails with ErrClosed from then on.
func (b *Bus) Close() error {
	b.Stop()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	return b.db.Close()
}

// Queued returns how many events wait in each declared consumer's queue,
// those in flight included.
func (b *Bus) Queued() (map[string]int, error) {
	out := make(map[string]int)
	err := b.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bucket *bolt.Bucket) error {
			if n, ok := cutPrefix(name, queuePrefix); ok {
				out[n] = bucket.Stats().KeyN
			}
			return nil
		})
	})
	return out, err
}

func cutPrefix(name []byte, prefix string) (string, bool) {
	if len(name) < len(prefix) || string(name[:len(prefix)]) != prefix {
		return "", false
	}
	return string(name[len(prefix):]), true
}

// DeadLetter is an event its consumer failed on at every attempt.
type DeadLetter struct {
	// ID identifies the dead letter: "<consumer>/<sequence>".
	ID        string         `json:"id"`
	Consumer  string         `json:"consumer"`
	Event     event.Envelope `json:"event"`
	Attempts  int            `json:"attempts"`
	LastError string         `json:"lastError"`
	// Enqueued is when it was first queued (or redriven); Dead when its
	// last attempt failed.
	Enqueued time.Time `json:"enqueued"`
	Dead     time.Time `json:"dead"`
}

// DeadLetters returns every dead letter, of every consumer, oldest first.
func (b *Bus) DeadLetters() ([]DeadLetter, error) {
	var out []DeadLetter
	err := b.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bucket *bolt.Bucket) error {
			consumer, ok := cutPrefix(name, deadPrefix)
			if !ok {
				return nil
			}
			return bucket.ForEach(func(k, v []byte) error {
				var r record
				if err := json.Unmarshal(v, &r); err != nil {
					return fmt.Errorf("dead letter %s/%d: %w", consumer, binary.BigEndian.Uint64(k), err)
				}
				out = append(out, DeadLetter{
					ID: fmt.Sprintf("%s/%d", consumer, binary.BigEndian.Uint64(k)), Consumer: consumer, Event: r.Event,
					Attempts: r.Attempts, LastError: r.LastError, Enqueued: r.Enqueued, Dead: r.Dead,
				})
				return nil
			})
		})
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil, ErrClosed
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dead.Before(out[j].Dead) })
	return out, err
}

// Filter selects dead letters to redrive. Empty fields select all.
type Filter struct {
	// Consumer selects one consumer's dead letters.
	Consumer string `json:"consumer,omitempty"`
	// EventID selects the dead letters of one event.
	EventID string `json:"eventId,omitempty"`
}

func (f Filter) match(consumer string, r record) bool {
	return (f.Consumer == "" || f.Consumer == consumer) && (f.EventID == "" || f.EventID == r.Event.ID)
}

// Redrive moves the dead letters f selects back to their consumers' queues
// with their attempts reset, in one transaction, and returns how many it
// moved. They are delivered again as soon as their consumer is attached.
func (b *Bus) Redrive(f Filter) (int, error) {
	moved := 0
	var woken []string
	now := time.Now().UTC()
	err := b.db.Update(func(tx *bolt.Tx) error {
		moved, woken = 0, nil
		return tx.ForEach(func(name []byte, dead *bolt.Bucket) error {
			consumer, ok := cutPrefix(name, deadPrefix)
			if !ok {
				return nil
			}
			queue, err := tx.CreateBucketIfNotExists([]byte(queuePrefix + consumer))
			if err != nil {
				return err
			}
			var keys [][]byte
			err = dead.ForEach(func(k, v []byte) error {
				var r record
				if err := json.Unmarshal(v, &r); err != nil {
					return err
				}
				if !f.match(consumer, r) {
					return nil
				}
				keys = append(keys, slices.Clone(k))
				return put(queue, record{Event: r.Event, NotBefore: now, Enqueued: now})
			})
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := dead.Delete(k); err != nil {
					return err
				}
			}
			if len(keys) > 0 {
				moved += len(keys)
				woken = append(woken, consumer)
			}
			return nil
		})
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return 0, ErrClosed
	}
	if err != nil {
		return 0, fmt.Errorf("bus: redrive: %w", err)
	}
	b.mu.Lock()
	for _, name := range woken {
		if c, ok := b.consumers[name]; ok {
			c.poke()
		}
	}
	b.mu.Unlock()
	if moved > 0 {
		b.logger.Info("dead letters redriven to their queues", "count", moved, "consumer", f.Consumer, "event_id", f.EventID)
	}
	return moved, nil
}
