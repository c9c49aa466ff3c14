package accounts

import (
	"fmt"
	"time"
)

// Sign-in throttling: after MaxFailures failed sign-ins in a row, an account
// is locked for LockBase; every further failure after a lock ends doubles
// the lock, up to LockMax. A successful sign-in resets the count. The state
// lives in the store, so it holds across Lambda execution environments.
const (
	MaxFailures = 5
	LockBase    = time.Minute
	LockMax     = time.Hour
)

// Throttle is an account's record of failed sign-ins.
type Throttle struct {
	Failures    int       // failed sign-ins since the last success
	LockedUntil time.Time // zero when never locked
}

// Locked reports whether sign-in is refused at now, and for how long.
func (t Throttle) Locked(now time.Time) (time.Duration, bool) {
	if wait := t.LockedUntil.Sub(now); wait > 0 {
		return wait, true
	}
	return 0, false
}

// Fail records a failed sign-in at now, locking the account from the
// MaxFailures-th failure on.
func (t *Throttle) Fail(now time.Time) {
	t.Failures++
	if t.Failures < MaxFailures {
		return
	}
	lock := LockMax
	if shift := t.Failures - MaxFailures; shift < 7 { // 2^6 minutes already exceeds LockMax
		lock = min(LockBase<<shift, LockMax)
	}
	t.LockedUntil = now.Add(lock)
}

// Reset forgets the failures after a successful sign-in.
func (t *Throttle) Reset() { *t = Throttle{} }

// ThrottledError refuses a sign-in to a locked account. It matches
// ErrThrottled.
type ThrottledError struct {
	Wait time.Duration // until the account is unlocked
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; retry after %v", ErrThrottled, e.Wait.Round(time.Second))
}

// RetryAfter returns how long the caller should wait before signing in again.
func (e *ThrottledError) RetryAfter() time.Duration { return e.Wait }

// Is makes a ThrottledError match ErrThrottled.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }
