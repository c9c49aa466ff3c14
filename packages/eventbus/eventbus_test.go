package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"example.com/quartet/packages/awsconfig"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/eventbus"
)

// putEvents is an EventBridge PutEvents endpoint (JSON 1.1 protocol) that
// answers as the API reference documents: an entry per request entry, with
// EventId or ErrorCode/ErrorMessage, and FailedEntryCount.
type putEvents struct {
	mu      sync.Mutex
	calls   [][]map[string]any
	refuse  func(i int) bool // entries to refuse
	decline bool             // fail the whole call
}

func (p *putEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents" {
		http.Error(w, "unexpected target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
		return
	}
	if p.decline {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"Event bus quartet-x does not exist."}`)
		return
	}
	var in struct{ Entries []map[string]any }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.calls = append(p.calls, in.Entries)
	p.mu.Unlock()
	var out struct {
		Entries          []map[string]string
		FailedEntryCount int
	}
	for i := range in.Entries {
		if p.refuse != nil && p.refuse(i) {
			out.Entries = append(out.Entries, map[string]string{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"})
			out.FailedEntryCount++
			continue
		}
		out.Entries = append(out.Entries, map[string]string{"EventId": fmt.Sprintf("eb-%d", i)})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

func client(t *testing.T, h http.Handler) *eventbridge.Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return eventbridge.New(eventbridge.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		}),
		RetryMaxAttempts: 1,
	})
}

func newEvents(t *testing.T, n int) []event.Envelope {
	t.Helper()
	var es []event.Envelope
	for i := range n {
		e, err := event.New(event.WithCorrelationID(context.Background(), "req-1"), "orders", "OrderPlaced",
			fmt.Sprint("o-", i), 1, map[string]int{"n": i}, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return es
}

func TestPublishPutsTenEntriesPerCall(t *testing.T) {
	api := &putEvents{}
	es := newEvents(t, 23)
	if err := eventbus.NewEventBridge(client(t, api), "quartet-dev").Publish(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	if len(api.calls) != 3 || len(api.calls[0]) != 10 || len(api.calls[2]) != 3 {
		t.Fatalf("calls of %d entries; want 10, 10, 3", len(api.calls))
	}
	entry := api.calls[0][0]
	if entry["EventBusName"] != "quartet-dev" || entry["Source"] != "quartet.orders" || entry["DetailType"] != "OrderPlaced" {
		t.Errorf("entry %v", entry)
	}
	got, err := event.Parse([]byte(entry["Detail"].(string)))
	if err != nil || got.ID != es[0].ID || got.CorrelationID != "req-1" {
		t.Errorf("detail is not the envelope: %+v, %v", got, err)
	}
}

func TestPublishFailsWhenAnEntryIsRefused(t *testing.T) {
	api := &putEvents{refuse: func(i int) bool { return i == 1 }}
	es := newEvents(t, 3)
	err := eventbus.NewEventBridge(client(t, api), "quartet-dev").Publish(context.Background(), es)
	if err == nil || !strings.Contains(err.Error(), es[1].ID) || !strings.Contains(err.Error(), "InternalFailure") {
		t.Errorf("Publish = %v, want an error naming the refused entry", err)
	}
}

func TestPublishFailsWhenTheCallFails(t *testing.T) {
	err := eventbus.NewEventBridge(client(t, &putEvents{decline: true}), "quartet-x").Publish(context.Background(), newEvents(t, 1))
	if err == nil || !strings.Contains(err.Error(), "ResourceNotFound") {
		t.Errorf("Publish = %v", err)
	}
}

// message is an SQS record as an EventBridge rule delivers an event to its
// queue target: the whole EventBridge event as the body.
func message(t *testing.T, id string, e event.Envelope) events.SQSMessage {
	t.Helper()
	detail, _ := json.Marshal(e)
	body, _ := json.Marshal(map[string]any{
		"version": "0", "id": "eb-" + id, "detail-type": e.Type, "source": "quartet." + e.Source,
		"account": "123456789012", "time": e.Time.Format(time.RFC3339), "region": "eu-west-1",
		"resources": []string{}, "detail": json.RawMessage(detail),
	})
	return events.SQSMessage{MessageId: id, Body: string(body), Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
}

func TestConsumerReportsOnlyTheFailures(t *testing.T) {
	es := newEvents(t, 3)
	var handled []string
	c := eventbus.Consumer{Subscription: event.Subscription{Consumer: "catalog", Types: []string{"OrderPlaced"},
		Handler: func(ctx context.Context, e event.Envelope) error {
			if event.CorrelationID(ctx) != "req-1" {
				return errors.New("no correlation id")
			}
			handled = append(handled, e.ID)
			if e.Subject == "o-1" {
				return errors.New("store unavailable")
			}
			return nil
		}}}
	other := newEvents(t, 1)[0]
	other.Type = "OrderShipped" // a type the consumer does not consume
	batch := events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m0", es[0]), message(t, "m1", es[1]), message(t, "m2", es[2]), message(t, "m3", other),
		{MessageId: "m4", Body: `{"not":"an event"}`},
	}}
	resp, err := c.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if strings.Join(failed, ",") != "m1,m4" {
		t.Errorf("failures %v, want m1 (its handler failed) and m4 (not an event)", failed)
	}
	if len(handled) != 3 {
		t.Errorf("handled %d events, want 3", len(handled))
	}
}

func TestEnvelopeRefusesAMismatchedBusEvent(t *testing.T) {
	m := message(t, "m", newEvents(t, 1)[0])
	m.Body = strings.Replace(m.Body, `"detail-type":"OrderPlaced"`, `"detail-type":"StockReserved"`, 1)
	if _, err := eventbus.Envelope(m.Body); !errors.Is(err, event.ErrInvalid) {
		t.Errorf("Envelope = %v, want ErrInvalid", err)
	}
}

func TestOpenRetriesAsEveryClient(t *testing.T) {
	if eventbus.AttemptTimeout != awsconfig.DefaultTimeout || eventbus.MaxAttempts != awsconfig.MaxAttempts ||
		eventbus.MaxBackoff != awsconfig.MaxBackoff {
		t.Error("eventbus.Open's retry policy differs from packages/awsconfig's")
	}
}

func TestOpenPublishesWithTheFunctionsEnvironment(t *testing.T) {
	api := &putEvents{}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	env := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN": "token", "AWS_ENDPOINT_URL_EVENTBRIDGE": srv.URL,
	}
	p, err := eventbus.Open(func(k string) string { return env[k] }, "quartet-dev")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(context.Background(), newEvents(t, 1)); err != nil || len(api.calls) != 1 {
		t.Errorf("Publish = %v after %d calls", err, len(api.calls))
	}
	if _, err := eventbus.Open(func(string) string { return "" }, "quartet-dev"); err == nil {
		t.Error("Open without AWS_REGION succeeded")
	}
}
