package budget_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/quartet/packages/budget"
)

func TestHandler(t *testing.T) {
	for _, tt := range []struct {
		name   string
		budget time.Duration
		parent time.Duration // 0: no deadline of its own
		want   time.Duration
	}{
		{"configured", 500 * time.Millisecond, 0, 500 * time.Millisecond},
		{"default", 0, 0, budget.Default},
		{"an earlier deadline wins", time.Minute, 100 * time.Millisecond, 100 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var left time.Duration
			h := budget.Handler(tt.budget, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				d, ok := r.Context().Deadline()
				if !ok {
					t.Fatal("no deadline on the request's context")
				}
				left = time.Until(d)
			}))
			ctx := context.Background()
			if tt.parent > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.parent)
				defer cancel()
			}
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, "GET", "/", nil))
			if left > tt.want || left < tt.want-time.Second/2 {
				t.Errorf("time left = %v, want about %v", left, tt.want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	for _, tt := range []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", budget.Default, false},
		{"1500ms", 1500 * time.Millisecond, false},
		{"3s", 3 * time.Second, false},
		{"2", 0, true},
		{"-1s", 0, true},
		{"0s", 0, true},
	} {
		got, err := budget.FromEnv(func(string) string { return tt.value })
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("FromEnv(%q) = %v, %v; want %v, error %v", tt.value, got, err, tt.want, tt.wantErr)
		}
	}
}
