// Package outbox publishes what a producer's transactional outbox holds.
//
// A producing context writes its events into its own store in the same
// atomic operation as the change they announce (a row in the same SQL
// transaction, an item in the same DynamoDB transaction, an entry in the
// same MongoDB document), so an event exists exactly when its change does.
// The Relay then carries them to the bus:
//
//   - After publishes the events of a change right after it is committed,
//     before the request that made it answers, and removes them from the
//     outbox. It never fails the request: what it cannot publish stays in
//     the outbox.
//   - Sweep publishes whatever is left (a crash between commit and
//     publish, a bus that was down), oldest first. It runs at start and on
//     a schedule: in AWS a relay function per producer, locally a loop in
//     make dev.
//
// An event may so be published twice (After and Sweep at once, a crash
// between publish and removal): consumers are idempotent. None is lost.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"example.com/quartet/packages/event"
)

// Store is a producer's outbox.
type Store interface {
	// Pending returns up to limit events still in the outbox that were
	// written before before, oldest first.
	Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error)
	// Remove removes the events with the given IDs from the outbox once
	// they are published; IDs no longer there are ignored.
	Remove(ctx context.Context, ids []string) error
}

// Defaults of a Relay.
const (
	// DefaultTimeout bounds After's publishing: the request that made the
	// change waits for it.
	DefaultTimeout = time.Second
	// DefaultGrace is how old an event must be for Sweep to take it, so
	// that it leaves the events of changes being committed to their After.
	DefaultGrace = 5 * time.Second
	// batch is how many events Sweep reads and publishes at once.
	batch = 100
)

// Relay carries a producer's outbox to the bus.
type Relay struct {
	store   Store
	bus     event.Publisher
	logger  *slog.Logger
	timeout time.Duration
	now     func() time.Time
}

// NewRelay returns a Relay from store to bus that logs to logger.
func NewRelay(store Store, bus event.Publisher, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Relay{store: store, bus: bus, logger: logger, timeout: DefaultTimeout, now: time.Now}
}

// After publishes events, just committed with their change, and removes
// them from the outbox. It waits at most the relay's timeout, even when ctx
// is already canceled (the client went away after the commit); what it
// cannot publish is logged and left for Sweep.
func (r *Relay) After(ctx context.Context, events ...event.Envelope) {
	if len(events) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	if err := r.publish(ctx, events); err != nil {
		for _, e := range events {
			r.logger.LogAttrs(ctx, slog.LevelWarn, "event left in the outbox for the sweep",
				append(e.LogAttrs(), slog.Any("error", err))...)
		}
	}
}

// publish publishes events, logs each, and removes them from the outbox.
func (r *Relay) publish(ctx context.Context, events []event.Envelope) error {
	if err := r.bus.Publish(ctx, events); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
		r.logger.LogAttrs(ctx, slog.LevelInfo, "event published", e.LogAttrs()...)
	}
	if err := r.store.Remove(ctx, ids); err != nil {
		// Published but still in the outbox: the sweep publishes them
		// again, and consumers ignore the duplicates.
		return fmt.Errorf("remove published events from the outbox: %w", err)
	}
	return nil
}

// Sweep publishes every event written more than grace ago that is still in
// the outbox, oldest first, and returns how many it published. It stops at
// the first failure, leaving the rest for the next sweep.
func (r *Relay) Sweep(ctx context.Context, grace time.Duration) (int, error) {
	published := 0
	before := r.now().Add(-grace)
	for {
		events, err := r.store.Pending(ctx, before, batch)
		if err != nil {
			return published, fmt.Errorf("outbox sweep: read: %w", err)
		}
		if len(events) == 0 {
			return published, nil
		}
		if err := r.publish(ctx, events); err != nil {
			return published, fmt.Errorf("outbox sweep: %w", err)
		}
		published += len(events)
		if len(events) < batch {
			return published, nil
		}
	}
}

// Run sweeps every interval, events older than grace, until ctx is done,
// logging what each sweep did. The first sweep comes one interval after
// the start: a context opens before it migrates, and its outbox may not
// exist yet.
func (r *Relay) Run(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.Sweep(ctx, grace)
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			r.logger.WarnContext(ctx, "outbox sweep failed; the next one retries", "published", n, "error", err)
		case n > 0:
			r.logger.InfoContext(ctx, "outbox sweep published what a crash or an outage left behind", "published", n)
		}
	}
}

// SweepResult is what a scheduled sweep answers: the invocation result of
// a relay function.
type SweepResult struct {
	Published int `json:"published"`
}

// Scheduled returns the handler of a relay function (services/<ctx>/cmd/relay,
// invoked by a schedule): each invocation sweeps once, logs how many events
// it published and answers that. A failed sweep fails the invocation, so it
// shows in the function's error metric and alarm; what is left waits in the
// outbox for the next invocation.
func Scheduled(sweep func(context.Context) (int, error), logger *slog.Logger) func(context.Context) (SweepResult, error) {
	return func(ctx context.Context) (SweepResult, error) {
		n, err := sweep(ctx)
		if err != nil {
			logger.ErrorContext(ctx, "outbox sweep failed; the next one retries", "published", n, "error", err)
			return SweepResult{Published: n}, err
		}
		logger.InfoContext(ctx, "outbox swept", "published", n)
		return SweepResult{Published: n}, nil
	}
}
