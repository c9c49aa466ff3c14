// Package optimistic is Quartet's one policy for optimistic concurrency,
// which every store that reads, changes and writes back without a lock
// follows:
//
//   - The domain's update closure makes the change and raises Version by
//     exactly one; the adapter never bumps it. The adapter checks that the
//     closure did (NextVersion) and writes on the condition that the stored
//     version is still the one it read (UPDATE … WHERE version = ?, a
//     DynamoDB condition expression, a MongoDB filter on version).
//   - A write that loses the race reads again and runs the closure again,
//     at most Attempts times in all, waiting Backoff between attempts. The
//     request's context bounds the whole loop.
//   - When the attempts run out, the store returns an error matching the
//     context's ErrConflict, which every context answers 409 Conflict with
//     Retry-After: RetryAfter. Not 412: the client's If-Match, if it sent
//     one, did hold each time; other writers kept winning, and the same
//     request may well succeed if sent again. Not 503: the store answered.
//
// A closure's own errors (an If-Match that no longer matches: 412, a domain
// rule: 422) end the loop at once and are returned as they are.
package optimistic

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Attempts is how many times a store runs an update closure before it
// gives up on a record that other writers keep changing.
const Attempts = 20

// RetryAfter is the Retry-After of the 409 for a write that ran out of
// attempts: by then the burst that beat it is usually over.
const RetryAfter = time.Second

// maxBackoff caps the wait between two attempts.
const maxBackoff = 50 * time.Millisecond

// Backoff waits before attempt+1 (attempt counts from 0): a random time up
// to 1ms·2^attempt, at most 50ms, so that contending writers spread out
// instead of colliding again. It returns ctx's error if ctx ends first.
func Backoff(ctx context.Context, attempt int) error {
	limit := min(time.Millisecond<<min(attempt, 6), maxBackoff)
	t := time.NewTimer(rand.N(limit) + time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NextVersion checks that an update closure raised a record's version from
// old by exactly one, as the policy says, and returns an error otherwise.
func NextVersion(old, next int) error {
	if next != old+1 {
		return fmt.Errorf("optimistic: the update changed the version from %d to %d, not to %d", old, next, old+1)
	}
	return nil
}
