package optimistic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/quartet/packages/optimistic"
)

func TestBackoffStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := optimistic.Backoff(ctx, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Backoff after cancel = %v, want context.Canceled", err)
	}
}

func TestBackoffWaits(t *testing.T) {
	for attempt := range optimistic.Attempts {
		if err := optimistic.Backoff(t.Context(), attempt); err != nil {
			t.Fatalf("Backoff(%d) = %v", attempt, err)
		}
	}
}

func TestNextVersion(t *testing.T) {
	if err := optimistic.NextVersion(3, 4); err != nil {
		t.Errorf("NextVersion(3, 4) = %v, want nil", err)
	}
	for _, next := range []int{3, 5, 0} {
		if err := optimistic.NextVersion(3, next); err == nil {
			t.Errorf("NextVersion(3, %d) = nil, want an error", next)
		}
	}
	if optimistic.RetryAfter < time.Second {
		t.Errorf("RetryAfter = %v: Retry-After is in whole seconds", optimistic.RetryAfter)
	}
}
