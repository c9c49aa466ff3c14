package httpapi

import (
	"errors"
	"testing"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		left time.Duration
		want string
	}{
		{time.Millisecond, "1"},
		{999 * time.Millisecond, "1"},
		{time.Second, "1"},
		{1001 * time.Millisecond, "2"},
		{14*time.Second + 200*time.Millisecond, "15"},
		{15 * time.Second, "15"},
	} {
		if got := retryAfter(&orders.KeyInProgressError{RetryAfter: tt.left}); got != tt.want {
			t.Errorf("retryAfter(%v left) = %q, want %q", tt.left, got, tt.want)
		}
	}
	if got := retryAfter(errors.New("wrapped without the time")); got != "1" {
		t.Errorf("retryAfter without a time = %q, want 1", got)
	}
}
