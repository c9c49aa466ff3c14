package main

import (
	"context"
	"io"
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
