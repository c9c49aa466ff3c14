package event_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/event"
)

var now = time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)

type placed struct {
	OrderID string `json:"orderId"`
	Units   int    `json:"units"`
}

func TestNewCarriesTheCorrelationID(t *testing.T) {
	ctx := event.WithCorrelationID(context.Background(), "req-123")
	e, err := event.New(ctx, "orders", "OrderPlaced", "o-1", 1, placed{"o-1", 3}, now)
	if err != nil {
		t.Fatal(err)
	}
	if e.CorrelationID != "req-123" || e.Source != "orders" || e.Type != "OrderPlaced" || e.Subject != "o-1" ||
		e.SchemaVersion != 1 || !e.Time.Equal(now) {
		t.Errorf("New = %+v", e)
	}
	var got placed
	if err := e.Decode(&got); err != nil || got != (placed{"o-1", 3}) {
		t.Errorf("Decode = %+v, %v", got, err)
	}
}

func TestNewStartsAChainWithoutACorrelationID(t *testing.T) {
	e, err := event.New(context.Background(), "catalog", "ProductCreated", "p-1", 1, map[string]int{"version": 1}, now)
	if err != nil {
		t.Fatal(err)
	}
	if e.CorrelationID != e.ID {
		t.Errorf("correlation id %q, want the event's own id %q", e.CorrelationID, e.ID)
	}
}

func TestNewIDIsATimeOrderedUUIDv7(t *testing.T) {
	a, _ := event.NewID(now)
	b, _ := event.NewID(now.Add(time.Millisecond))
	if len(a) != 36 || a[14] != '7' || !strings.ContainsRune("89ab", rune(a[19])) {
		t.Errorf("NewID = %q, want a UUIDv7", a)
	}
	if a >= b {
		t.Errorf("ids %q and %q do not sort by time", a, b)
	}
	if a2, _ := event.NewID(now); a2 == a {
		t.Errorf("two ids of the same millisecond are equal: %q", a)
	}
}

func TestValidateRejectsBrokenEnvelopes(t *testing.T) {
	good, err := event.New(context.Background(), "orders", "OrderPlaced", "o-1", 1, placed{"o-1", 1}, now)
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*event.Envelope){
		"id":             func(e *event.Envelope) { e.ID = "not-a-uuid" },
		"upper-case id":  func(e *event.Envelope) { e.ID = strings.ToUpper(e.ID) },
		"type":           func(e *event.Envelope) { e.Type = "order_placed" },
		"source":         func(e *event.Envelope) { e.Source = "Orders" },
		"time":           func(e *event.Envelope) { e.Time = time.Time{} },
		"subject":        func(e *event.Envelope) { e.Subject = "" },
		"schema version": func(e *event.Envelope) { e.SchemaVersion = 0 },
		"correlation id": func(e *event.Envelope) { e.CorrelationID = strings.Repeat("x", 129) },
		"data array":     func(e *event.Envelope) { e.Data = json.RawMessage(`[1]`) },
		"data missing":   func(e *event.Envelope) { e.Data = nil },
	} {
		t.Run(name, func(t *testing.T) {
			e := good
			change(&e)
			if err := e.Validate(); !errors.Is(err, event.ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestParseRoundTripsAndRefuses(t *testing.T) {
	e, _ := event.New(context.Background(), "reviews", "ReviewSubmitted", "r-1", 1, map[string]int{"rating": 5}, now)
	b, _ := json.Marshal(e)
	got, err := event.Parse(b)
	if err != nil || got.ID != e.ID || string(got.Data) != string(e.Data) || !got.Time.Equal(e.Time) {
		t.Fatalf("Parse = %+v, %v", got, err)
	}
	for _, bad := range []string{`{`, `[]`, `{"id":"x"}`, `{"data":` + strings.Repeat(" ", event.MaxSize) + `{}}`} {
		if _, err := event.Parse([]byte(bad)); !errors.Is(err, event.ErrInvalid) {
			t.Errorf("Parse(%.20q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestDecodeIgnoresMembersItDoesNotKnow(t *testing.T) {
	e, _ := event.New(context.Background(), "orders", "OrderPlaced", "o-1", 1,
		map[string]any{"orderId": "o-1", "units": 2, "giftWrap": true}, now)
	var got placed
	if err := e.Decode(&got); err != nil || got.Units != 2 {
		t.Errorf("Decode = %+v, %v", got, err)
	}
	if err := (event.Envelope{Data: json.RawMessage(`{"units":"two"}`)}).Decode(&got); !errors.Is(err, event.ErrInvalid) {
		t.Errorf("Decode of a wrong type = %v, want ErrInvalid", err)
	}
}

func TestSubscriptionHandlesWithTheEventsCorrelationID(t *testing.T) {
	var seen string
	s := event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"}, Handler: func(ctx context.Context, e event.Envelope) error {
		// What the handler produces continues the chain.
		next, err := event.New(ctx, "catalog", "StockReserved", e.Subject, 1, map[string]string{}, now)
		seen = next.CorrelationID
		return err
	}}
	e, _ := event.New(event.WithCorrelationID(context.Background(), "req-9"), "orders", "OrderPlaced", "o-1", 1, placed{}, now)
	if err := s.Handle(context.Background(), e); err != nil || seen != "req-9" {
		t.Errorf("Handle: err %v, correlation id %q, want req-9", err, seen)
	}
	if !s.Wants("OrderPlaced") || s.Wants("OrderCancelled") {
		t.Error("Wants does not follow Types")
	}
}
