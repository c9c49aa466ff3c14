// Package event is the envelope of Quartet's domain events and the two
// roles around it: a Publisher, which carries events from a producer's
// outbox to the bus, and a Subscription, which a consumer offers the bus.
//
// An event says what happened in one context, in the past tense
// (OrderPlaced, StockReserved), to whichever other contexts care. Its
// envelope is the same for every event; its data has a JSON Schema beside
// its producer (services/<ctx>/events/<Type>.schema.json). Contexts share
// the JSON, never code: a consumer decodes the data into its own types.
//
// Delivery is at least once, in no particular order: consumers must be
// idempotent (they record the IDs of the events they processed, atomically
// with the effect) and must not depend on order (snapshots carry a
// version; counters are changed by deltas).
package event

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"time"
)

// Envelope is one domain event as it travels: in an outbox, on the bus, in
// a queue, in a dead letter. Its JSON form is the contract.
type Envelope struct {
	// ID identifies the event, the same in every copy of it: consumers
	// recognise a duplicate by it. NewID makes one (a UUIDv7, so IDs sort
	// by the time they were made).
	ID string `json:"id"`
	// Type names what happened, such as "OrderPlaced".
	Type string `json:"type"`
	// Source is the context that produced it, such as "orders".
	Source string `json:"source"`
	// Time is when it happened, in UTC.
	Time time.Time `json:"time"`
	// Subject is the ID of the thing it happened to: the order, the
	// product, the review.
	Subject string `json:"subject"`
	// SchemaVersion is the version of the schema of Data; a change that
	// old consumers cannot read makes a new version.
	SchemaVersion int `json:"schemaVersion"`
	// CorrelationID is the ID of the request that started the chain of
	// events this one belongs to (its request id); every event and log
	// line of that chain carries it.
	CorrelationID string `json:"correlationId"`
	// Data is the event's own content, a JSON object.
	Data json.RawMessage `json:"data"`
}

// Limits of an envelope.
const (
	// MaxSize bounds an encoded envelope: EventBridge takes 256 KiB per
	// PutEvents entry, its detail type and source included.
	MaxSize = 200 << 10
	// maxName bounds types, sources, subjects and correlation IDs.
	maxName = 128
)

var (
	typeName   = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	sourceName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	idForm     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// ErrInvalid is matched by every error of Validate and Parse.
var ErrInvalid = errors.New("invalid event")

// New returns an event of typ about subject from source, with data encoded
// as its Data, a new ID, the time now and the correlation ID carried by ctx
// (CorrelationID), or the new ID itself when ctx carries none (the event
// starts a chain).
func New(ctx context.Context, source, typ, subject string, schemaVersion int, data any, now time.Time) (Envelope, error) {
	id, err := NewID(now)
	if err != nil {
		return Envelope{}, err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Envelope{}, fmt.Errorf("event %s: encode data: %w", typ, err)
	}
	corr := CorrelationID(ctx)
	if corr == "" {
		corr = id
	}
	e := Envelope{ID: id, Type: typ, Source: source, Time: now.UTC(), Subject: subject,
		SchemaVersion: schemaVersion, CorrelationID: corr, Data: raw}
	if err := e.Validate(); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// NewID returns a new event ID: a UUIDv7 of now, in canonical form.
func NewID(now time.Time) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		return "", fmt.Errorf("new event id: %w", err)
	}
	ms := uint64(now.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// Validate checks the envelope's own fields; the data's schema is the
// producer's to check (package eventtest does in its tests).
func (e Envelope) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(idForm.MatchString(e.ID), "id %q: want a lower-case UUID", e.ID)
	check(len(e.Type) <= maxName && typeName.MatchString(e.Type), "type %q: want a PascalCase name", e.Type)
	check(len(e.Source) <= maxName && sourceName.MatchString(e.Source), "source %q: want a context's name", e.Source)
	check(!e.Time.IsZero(), "time: missing")
	check(e.Subject != "" && len(e.Subject) <= maxName, "subject: want 1 to %d characters", maxName)
	check(e.SchemaVersion >= 1, "schemaVersion %d: want 1 or more", e.SchemaVersion)
	check(e.CorrelationID != "" && len(e.CorrelationID) <= maxName, "correlationId: want 1 to %d characters", maxName)
	data := bytes.TrimSpace(e.Data)
	check(len(data) > 0 && data[0] == '{' && json.Valid(data), "data: want a JSON object")
	if len(errs) > 0 {
		return fmt.Errorf("%w %s %s: %w", ErrInvalid, e.Type, e.ID, errors.Join(errs...))
	}
	return nil
}

// Parse decodes and validates one encoded envelope.
func Parse(b []byte) (Envelope, error) {
	if len(b) > MaxSize {
		return Envelope{}, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(b), MaxSize)
	}
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return e, e.Validate()
}

// Decode decodes the event's data into v. Members v does not know are
// ignored, so that a producer may add some without breaking consumers.
func (e Envelope) Decode(v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("%w: %s %s: decode data: %v", ErrInvalid, e.Type, e.ID, err)
	}
	return nil
}

// LogAttrs are the attributes every log line about e carries; grep a log
// for correlation_id to follow one request's chain of events.
func (e Envelope) LogAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String("event_id", e.ID), slog.String("event_type", e.Type),
		slog.String("subject", e.Subject), slog.String("correlation_id", e.CorrelationID),
	}
}

type correlationKey struct{}

// WithCorrelationID returns ctx carrying id as the correlation ID of the
// events made under it. The request log sets it to the request's id; a
// consumer sets it to the correlation ID of the event it handles
// (Subscription.Handle does), so that the events it produces continue the
// chain.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationID returns the correlation ID ctx carries, or "".
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}

// Publisher carries events to the bus. Publish returns nil only once every
// event is accepted by the bus, durably; an error means some or all were
// not, and the caller must keep them (in its outbox) and publish them
// again. Publishing an event twice is allowed: consumers are idempotent.
type Publisher interface {
	Publish(ctx context.Context, events []Envelope) error
}

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(ctx context.Context, events []Envelope) error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, events []Envelope) error { return f(ctx, events) }

// Discard is a Publisher that drops every event: for tools that change a
// store but must not announce it, and tests that do not look.
var Discard Publisher = PublisherFunc(func(context.Context, []Envelope) error { return nil })

// Subscription is what a consumer offers the bus: its name (the name of its
// queue), the event types it consumes and its handler.
type Subscription struct {
	// Consumer names the consumer, such as "catalog"; it is the name of
	// its queue and of its dead letters.
	Consumer string
	// Types are the event types it consumes; the bus delivers no other.
	Types []string
	// Handler processes one event. It returns nil once the event's effect
	// is stored (or when it has none): the bus then forgets the event. Any
	// error makes the bus deliver the event again later, up to its attempt
	// limit, then keep it as a dead letter. It must be idempotent: a
	// duplicate of an event it processed must change nothing.
	Handler func(ctx context.Context, e Envelope) error
}

// Wants reports whether s consumes events of type typ.
func (s Subscription) Wants(typ string) bool {
	return slices.Contains(s.Types, typ)
}

// Handle calls s.Handler for e with ctx carrying e's correlation ID, so
// that the events the handler produces continue e's chain.
func (s Subscription) Handle(ctx context.Context, e Envelope) error {
	return s.Handler(WithCorrelationID(ctx, e.CorrelationID), e)
}

// EnvelopeSchema is the JSON Schema of every envelope
// (envelope.schema.json); the data member has its type's own schema.
//
//go:embed envelope.schema.json
var EnvelopeSchema []byte
