package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestRunNeedsConfiguration(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing", nil, "MONGODB_URI"},
		{"no bus", map[string]string{"MONGODB_URI": "mongodb://127.0.0.1:1/"}, "EVENT_BUS_NAME"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run: err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}

type fakeSweeper struct {
	n   int
	err error
}

func (f fakeSweeper) SweepOutbox(context.Context) (int, error) { return f.n, f.err }

// TestSweepReports: an invocation answers how many events it published,
// and fails when the sweep does, so that the failure shows in the
// function's error metric.
func TestSweepReports(t *testing.T) {
	var log strings.Builder
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	res, err := sweep(fakeSweeper{n: 3}, logger)(t.Context())
	if err != nil || res.Published != 3 || !strings.Contains(log.String(), `"published":3`) {
		t.Errorf("sweep = %+v, %v; log %s; want 3 published and logged", res, err, log.String())
	}
	down := errors.New("bus down")
	if _, err := sweep(fakeSweeper{n: 1, err: down}, logger)(t.Context()); !errors.Is(err, down) {
		t.Errorf("failing sweep: err = %v, want %v", err, down)
	}
}
