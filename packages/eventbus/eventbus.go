// Package eventbus carries Quartet's events on AWS: an event.Publisher that
// puts them on a stage's EventBridge bus, and the handler of a consumer
// function, which receives them from its SQS queue (an EventBridge rule per
// consumer sends the types it consumes to its queue).
//
// On the bus an event is an EventBridge event whose source is
// "quartet.<context>", whose detail type is the event's type and whose
// detail is the whole envelope, so rules can match on type and source and
// the consumer reads the envelope as the producer wrote it.
package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/lambdacreds"
)

// SourcePrefix starts the EventBridge source of every Quartet event.
const SourcePrefix = "quartet."

// The retry policy of packages/awsconfig (a test checks they agree), which
// this package does not import: that would link the SDK's configuration
// loader into every bootstrap that publishes.
const (
	attemptTimeout = 5 * time.Second
	maxAttempts    = 3
	maxBackoff     = 200 * time.Millisecond
)

// maxEntries is the number of entries PutEvents takes at once.
const maxEntries = 10

// PutEventsAPI is the part of the EventBridge client the publisher uses.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBridge publishes events on one EventBridge bus.
type EventBridge struct {
	client PutEventsAPI
	bus    string
}

var _ event.Publisher = (*EventBridge)(nil)

// Open returns a publisher to the EventBridge bus named busName for a
// function in AWS: the region (AWS_REGION) and the execution role's
// credentials come from the variables Lambda sets, read through getenv
// (packages/lambdacreds), and AWS_ENDPOINT_URL_EVENTBRIDGE, when set,
// points the client at a stand-in, as the SDK's own loader would. It links
// no configuration loader (profiles, SSO, STS, IMDS), which keeps every
// bootstrap that publishes within its size budget. The client retries and
// times out as packages/awsconfig's clients do.
//
// Open is for functions in AWS; elsewhere build the client as needed and
// call NewEventBridge.
func Open(getenv func(string) string, busName string) (*EventBridge, error) {
	if busName == "" {
		return nil, errors.New("eventbus: no bus name")
	}
	region := getenv("AWS_REGION")
	if region == "" {
		return nil, errors.New("eventbus: AWS_REGION is not set")
	}
	opts := eventbridge.Options{
		Region:      region,
		Credentials: lambdacreds.FromEnv(getenv),
		HTTPClient: awshttp.NewBuildableClient().WithTimeout(attemptTimeout).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second }),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = maxBackoff
			o.RateLimiter = ratelimit.None
		}),
	}
	if endpoint := getenv("AWS_ENDPOINT_URL_EVENTBRIDGE"); endpoint != "" {
		opts.BaseEndpoint = aws.String(endpoint)
	}
	return NewEventBridge(eventbridge.New(opts), busName), nil
}

// NewEventBridge returns a publisher to the bus named busName.
func NewEventBridge(client PutEventsAPI, busName string) *EventBridge {
	return &EventBridge{client: client, bus: busName}
}

// Publish puts events on the bus, ten per PutEvents call. It returns nil
// only when EventBridge accepted every entry; otherwise the error names
// the entries it refused (all of them must then be published again:
// consumers ignore the duplicates).
func (p *EventBridge) Publish(ctx context.Context, evs []event.Envelope) error {
	var errs []error
	for start := 0; start < len(evs); start += maxEntries {
		chunk := evs[start:min(start+maxEntries, len(evs))]
		entries := make([]types.PutEventsRequestEntry, len(chunk))
		for i, e := range chunk {
			detail, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode %s %s: %w", e.Type, e.ID, err)
			}
			entries[i] = types.PutEventsRequestEntry{
				EventBusName: aws.String(p.bus),
				Source:       aws.String(SourcePrefix + e.Source),
				DetailType:   aws.String(e.Type),
				Detail:       aws.String(string(detail)),
				Time:         aws.Time(e.Time),
				Resources:    []string{},
			}
		}
		out, err := p.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
		if err != nil {
			return fmt.Errorf("EventBridge PutEvents: %w", err)
		}
		if out.FailedEntryCount == 0 {
			continue
		}
		for i, r := range out.Entries {
			if r.ErrorCode != nil && i < len(chunk) {
				errs = append(errs, fmt.Errorf("%s %s: %s: %s", chunk[i].Type, chunk[i].ID,
					aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage)))
			}
		}
		if len(errs) == 0 {
			errs = append(errs, fmt.Errorf("EventBridge refused %d entries", out.FailedEntryCount))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("EventBridge PutEvents: %w", errors.Join(errs...))
	}
	return nil
}

// busEvent is the part of an EventBridge event, as a rule delivers it to
// SQS, that a consumer reads.
type busEvent struct {
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Detail     json.RawMessage `json:"detail"`
}

// Envelope returns the event an SQS message from an EventBridge rule
// carries.
func Envelope(body string) (event.Envelope, error) {
	var b busEvent
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return event.Envelope{}, fmt.Errorf("%w: not an EventBridge event: %v", event.ErrInvalid, err)
	}
	e, err := event.Parse(b.Detail)
	if err != nil {
		return event.Envelope{}, err
	}
	if b.DetailType != e.Type || b.Source != SourcePrefix+e.Source {
		return event.Envelope{}, fmt.Errorf("%w: the bus says %s from %s, the envelope %s from %s",
			event.ErrInvalid, b.DetailType, b.Source, e.Type, e.Source)
	}
	return e, nil
}

// Consumer is the handler of a consumer function: it receives batches from
// the consumer's SQS queue and hands each event to the subscription.
type Consumer struct {
	Subscription event.Subscription
	Logger       *slog.Logger
	// Timeout bounds the handling of one event; zero means DefaultTimeout.
	// Keep Timeout times the batch size within the function's timeout.
	Timeout time.Duration
}

// DefaultTimeout bounds the handling of one event.
const DefaultTimeout = 5 * time.Second

// Handle processes a batch and reports the messages that failed, so that
// SQS deletes the others and delivers only those again (partial batch
// responses: the event source mapping needs ReportBatchItemFailures). A
// message that is not a Quartet event fails too, and so ends, like an
// event whose handling keeps failing, in the dead-letter queue after the
// queue's receive limit. An event of a type the consumer does not consume
// succeeds without effect.
func (c Consumer) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var resp events.SQSEventResponse
	for _, m := range batch.Records {
		fail := func() {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
		e, err := Envelope(m.Body)
		if err != nil {
			logger.ErrorContext(ctx, "not a Quartet event; it goes to the dead letters after its attempts",
				"message_id", m.MessageId, "receive_count", m.Attributes["ApproximateReceiveCount"], "error", err)
			fail()
			continue
		}
		attrs := append(e.LogAttrs(), slog.String("consumer", c.Subscription.Consumer),
			slog.String("receive_count", m.Attributes["ApproximateReceiveCount"]))
		if !c.Subscription.Wants(e.Type) {
			logger.LogAttrs(ctx, slog.LevelWarn, "event of a type this consumer does not consume; dropped", attrs...)
			continue
		}
		ectx, cancel := context.WithTimeout(ctx, timeout)
		err = c.Subscription.Handle(ectx, e)
		cancel()
		if err != nil {
			logger.LogAttrs(ctx, slog.LevelError, "event failed; SQS delivers it again", append(attrs, slog.Any("error", err))...)
			fail()
			continue
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "event processed", attrs...)
	}
	return resp, nil
}
