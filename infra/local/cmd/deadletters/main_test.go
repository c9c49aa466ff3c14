package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/packages/event"
)

// TestListAndRedrive runs the command against a real bus's admin endpoints,
// found through the data directory as make dev leaves it.
func TestListAndRedrive(t *testing.T) {
	b, err := bus.Open(bus.Options{Path: filepath.Join(t.TempDir(), "bus.db"),
		Policy: bus.Policy{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	srv := httptest.NewServer(b.Admin())
	defer srv.Close()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, gatewayURLFile), []byte(srv.URL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), append(args, "-data", data), func(string) string { return "" }, &stdout, &stderr); err != nil {
			t.Fatalf("deadletters %v: %v\n%s", args, err, stderr.String())
		}
		return stdout.String()
	}

	if out := cli("list"); !strings.Contains(out, "No dead letters.") {
		t.Errorf("list of an empty bus:\n%s", out)
	}

	var fixed atomic.Bool
	var delivered atomic.Int32
	if err := b.Declare("catalog", []string{"OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	err = b.Attach(event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"}, Handler: func(context.Context, event.Envelope) error {
		if !fixed.Load() {
			return errors.New("stock row\nlocked")
		}
		delivered.Add(1)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := event.New(event.WithCorrelationID(context.Background(), "req-42"), "orders", "OrderPlaced", "order-1", 1, map[string]string{"orderId": "order-1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), []event.Envelope{e}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d, _ := b.DeadLetters(); len(d) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no dead letter")
		}
		time.Sleep(5 * time.Millisecond)
	}

	out := cli("list")
	for _, want := range []string{"1 dead letter(s)", "catalog", "OrderPlaced", e.ID, "order-1", "req-42", "stock row locked", "make redrive STAGE=local", "Queued (waiting or being retried): catalog 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("list does not say %q:\n%s", want, out)
		}
	}
	var doc bus.DeadLettersDoc
	if err := json.Unmarshal([]byte(cli("list", "-json")), &doc); err != nil || len(doc.Items) != 1 || doc.Items[0].Event.ID != e.ID || doc.Items[0].Attempts != 2 {
		t.Errorf("list -json: %+v, %v", doc, err)
	}

	if out := cli("redrive", "-consumer", "reviews"); !strings.Contains(out, "redrove 0 dead letter(s)") {
		t.Errorf("redrive of another consumer:\n%s", out)
	}
	fixed.Store(true)
	if out := cli("redrive", "-event", e.ID); !strings.Contains(out, "redrove 1 dead letter(s)") {
		t.Errorf("redrive:\n%s", out)
	}
	for delivered.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the redriven event was not delivered")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if out := cli("list"); !strings.Contains(out, "No dead letters.") {
		t.Errorf("list after the redrive:\n%s", out)
	}
}

func TestErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "want a subcommand"},
		{"unknown subcommand", []string{"purge"}, "want a subcommand"},
		{"extra argument", []string{"list", "x"}, "unexpected arguments"},
		{"redrive flag on list", []string{"list", "-consumer", "catalog"}, "flag provided but not defined"},
		{"no make dev", []string{"list", "-gateway", closed}, "start the system with `make dev` first"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, func(string) string { return "" }, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error saying %q", tt.args, err, tt.want)
			}
		})
	}
}
