package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSQS is a stand-in of Amazon SQS's JSON protocol (awsJson1_0: POST /,
// the operation in X-Amz-Target "AmazonSQS.<Operation>", errors as 400
// {"__type": "com.amazonaws.sqs#<Error>", "message"} with the
// x-amzn-query-error header) for the four operations redrive calls, with
// the request and response members AWS documents for them. A move task
// runs for one ListMessageMoveTasks call, then completes (or fails, for
// the queues in failing) and moves the messages.
type fakeSQS struct {
	t  *testing.T
	mu sync.Mutex
	// queues by name; deadLetterOf maps a dead-letter queue's name to its
	// source queue's (the source's redrive policy).
	queues       map[string]*fakeQueue
	deadLetterOf map[string]string
	tasks        map[string][]*fakeTask // by source ARN, most recent first
	failing      map[string]string      // dead-letter queue name -> failure reason
	started      []startRequest
}

type fakeQueue struct {
	name              string
	visible, inFlight int
}

type fakeTask struct {
	handle, source, dest, status, reason string
	toMove, moved, polls                 int
	started                              time.Time
}

type startRequest struct{ Source, Destination string }

const account = "123456789012"

func (q *fakeQueue) arn() string { return "arn:aws:sqs:us-east-1:" + account + ":" + q.name }
func (q *fakeQueue) url(host string) string {
	return "http://" + host + "/" + account + "/" + q.name
}

func newFakeSQS(t *testing.T, stage string, deadLetters map[string]int) *fakeSQS {
	f := &fakeSQS{t: t, queues: map[string]*fakeQueue{}, deadLetterOf: map[string]string{}, tasks: map[string][]*fakeTask{}, failing: map[string]string{}}
	for _, c := range []string{"catalog", "orders", "reviews"} {
		q := "quartet-" + stage + "-" + c + "-events"
		d := "quartet-" + stage + "-" + c + "-dead-letters"
		f.queues[q] = &fakeQueue{name: q, inFlight: 1}
		f.queues[d] = &fakeQueue{name: d, visible: deadLetters[c]}
		f.deadLetterOf[d] = q
	}
	return f
}

func (f *fakeSQS) byARN(arn string) *fakeQueue {
	for _, q := range f.queues {
		if q.arn() == arn {
			return q
		}
	}
	return nil
}

func (f *fakeSQS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	fail := func(typ, query, msg string) {
		w.Header().Set("x-amzn-query-error", query+";Sender")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + typ, "message": msg})
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" ||
		!strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		f.t.Errorf("request %s %s, content type %q, authorization %q: not the JSON protocol, signed", r.Method, r.URL, r.Header.Get("Content-Type"), r.Header.Get("Authorization"))
		fail("InvalidAddress", "InvalidAddress", "not an SQS JSON request")
		return
	}
	var in struct {
		QueueName, QueueUrl, SourceArn, DestinationArn string
		AttributeNames                                 []string
		MaxResults, MaxNumberOfMessagesPerSecond       int
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail("InvalidAddress", "InvalidAddress", err.Error())
		return
	}
	queueAt := func(url string) *fakeQueue {
		name := url[strings.LastIndex(url, "/")+1:]
		if q, ok := f.queues[name]; ok && q.url(r.Host) == url {
			return q
		}
		return nil
	}
	switch op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS."); op {
	case "GetQueueUrl":
		q, ok := f.queues[in.QueueName]
		if !ok {
			fail("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"QueueUrl": q.url(r.Host)})
	case "GetQueueAttributes":
		q := queueAt(in.QueueUrl)
		if q == nil {
			fail("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
			return
		}
		all := map[string]string{
			"QueueArn":                              q.arn(),
			"ApproximateNumberOfMessages":           strconv.Itoa(q.visible),
			"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(q.inFlight),
			"VisibilityTimeout":                     "360",
		}
		attrs := map[string]string{}
		for _, name := range in.AttributeNames {
			if v, ok := all[name]; ok {
				attrs[name] = v
			} else if name != "All" {
				fail("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute "+name+".")
				return
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Attributes": attrs})
	case "StartMessageMoveTask":
		src := f.byARN(in.SourceArn)
		if src == nil || f.deadLetterOf[src.name] == "" {
			fail("ResourceNotFoundException", "ResourceNotFoundException", "The source queue must be a dead-letter queue of another SQS queue.")
			return
		}
		dest := f.byARN(in.DestinationArn)
		if in.DestinationArn != "" && dest == nil {
			fail("ResourceNotFoundException", "ResourceNotFoundException", "The destination queue does not exist.")
			return
		}
		if ts := f.tasks[in.SourceArn]; len(ts) > 0 && ts[0].status == "RUNNING" {
			fail("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
			return
		}
		destName := "(its source queue)"
		if dest != nil {
			destName = dest.name
		} else {
			in.DestinationArn = f.queues[f.deadLetterOf[src.name]].arn()
		}
		f.started = append(f.started, startRequest{Source: src.name, Destination: destName})
		task := &fakeTask{
			handle: fmt.Sprintf("task-%d", len(f.started)), source: in.SourceArn, dest: in.DestinationArn,
			status: "RUNNING", toMove: src.visible, started: time.Now(),
		}
		f.tasks[in.SourceArn] = append([]*fakeTask{task}, f.tasks[in.SourceArn]...)
		_ = json.NewEncoder(w).Encode(map[string]string{"TaskHandle": task.handle})
	case "ListMessageMoveTasks":
		var results []map[string]any
		for i, task := range f.tasks[in.SourceArn] {
			if in.MaxResults > 0 && i >= in.MaxResults {
				break
			}
			if task.status == "RUNNING" {
				task.polls++
				if task.polls > 1 {
					f.finish(task)
				}
			}
			entry := map[string]any{
				"Status": task.status, "SourceArn": task.source, "DestinationArn": task.dest,
				"ApproximateNumberOfMessagesMoved": task.moved, "ApproximateNumberOfMessagesToMove": task.toMove,
				"StartedTimestamp": task.started.UnixMilli(),
			}
			if task.status == "RUNNING" { // AWS returns the handle of running tasks only
				entry["TaskHandle"] = task.handle
			}
			if task.reason != "" {
				entry["FailureReason"] = task.reason
			}
			results = append(results, entry)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Results": results})
	default:
		fail("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", "the stand-in does not serve "+op)
	}
}

// finish completes task: its messages move to the destination, or, for a
// failing queue, it fails having moved none.
func (f *fakeSQS) finish(task *fakeTask) {
	src, dest := f.byARN(task.source), f.byARN(task.dest)
	if reason, ok := f.failing[src.name]; ok {
		task.status, task.reason = "FAILED", reason
		return
	}
	task.status, task.moved = "COMPLETED", src.visible
	dest.visible += src.visible
	src.visible = 0
}

func (f *fakeSQS) visible(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queues[name].visible
}

func runRedrive(t *testing.T, srv *httptest.Server, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	args = append([]string{"-endpoint", srv.URL, "-poll", "1ms"}, args...)
	err := run(t.Context(), args, func(string) string { return "" }, &out)
	return out.String(), err
}

func TestRedrive(t *testing.T) {
	f := newFakeSQS(t, "pr-7", map[string]int{"catalog": 3, "reviews": 2})
	srv := httptest.NewServer(f)
	defer srv.Close()

	out, err := runRedrive(t, srv, "-stage", "pr-7", "-list")
	if err != nil {
		t.Fatal(err)
	}
	// consumer, dead letters, queued, in flight, last redrive, queue URL
	for _, want := range [][]string{
		{"catalog", "3", "0", "1", "-", srv.URL + "/" + account + "/quartet-pr-7-catalog-dead-letters"},
		{"orders", "0", "0", "1", "-", srv.URL + "/" + account + "/quartet-pr-7-orders-dead-letters"},
		{"reviews", "2", "0", "1", "-", srv.URL + "/" + account + "/quartet-pr-7-reviews-dead-letters"},
	} {
		if !hasRow(out, want) {
			t.Errorf("list lacks the row %v:\n%s", want, out)
		}
	}
	if len(f.started) != 0 {
		t.Fatalf("list started tasks: %v", f.started)
	}

	out, err = runRedrive(t, srv, "-stage", "pr-7")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []startRequest{
		{"quartet-pr-7-catalog-dead-letters", "quartet-pr-7-catalog-events"},
		{"quartet-pr-7-reviews-dead-letters", "quartet-pr-7-reviews-events"},
	}
	if fmt.Sprint(f.started) != fmt.Sprint(want) {
		t.Errorf("tasks %v, want %v (none for orders, which has no dead letters)", f.started, want)
	}
	for name, n := range map[string]int{
		"quartet-pr-7-catalog-dead-letters": 0, "quartet-pr-7-catalog-events": 3,
		"quartet-pr-7-reviews-dead-letters": 0, "quartet-pr-7-reviews-events": 2,
	} {
		if got := f.visible(name); got != n {
			t.Errorf("%s: %d messages, want %d", name, got, n)
		}
	}
	for _, want := range []string{"orders: no dead letters", "catalog: COMPLETED, 3 of 3 moved", "reviews: COMPLETED, 2 of 2 moved"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Nothing left: nothing started.
	if out, err := runRedrive(t, srv, "-stage", "pr-7"); err != nil || len(f.started) != 2 {
		t.Errorf("second redrive: %v, %d tasks\n%s", err, len(f.started), out)
	}
	out, _ = runRedrive(t, srv, "-stage", "pr-7", "-list")
	if !strings.Contains(out, "COMPLETED, 3 of 3 moved") {
		t.Errorf("list does not show the last redrive:\n%s", out)
	}
}

func TestRedriveWaitsForARunningTask(t *testing.T) {
	f := newFakeSQS(t, "dev", map[string]int{"orders": 4})
	srv := httptest.NewServer(f)
	defer srv.Close()
	if _, err := runRedrive(t, srv, "-stage", "dev", "-wait=false"); err != nil {
		t.Fatal(err)
	}
	if len(f.started) != 1 || f.visible("quartet-dev-orders-dead-letters") != 4 {
		t.Fatalf("after -wait=false: %v started, %d dead letters", f.started, f.visible("quartet-dev-orders-dead-letters"))
	}
	// A second redrive while it runs starts nothing and waits for it.
	out, err := runRedrive(t, srv, "-stage", "dev")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(f.started) != 1 || !strings.Contains(out, "already running") || f.visible("quartet-dev-orders-events") != 4 {
		t.Errorf("%d tasks, %d moved:\n%s", len(f.started), f.visible("quartet-dev-orders-events"), out)
	}
}

func TestRedriveOneConsumer(t *testing.T) {
	f := newFakeSQS(t, "dev", map[string]int{"catalog": 1, "reviews": 2})
	srv := httptest.NewServer(f)
	defer srv.Close()
	if out, err := runRedrive(t, srv, "-stage", "dev", "-consumer", "reviews"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := []startRequest{{"quartet-dev-reviews-dead-letters", "quartet-dev-reviews-events"}}; fmt.Sprint(f.started) != fmt.Sprint(want) {
		t.Errorf("tasks %v, want %v", f.started, want)
	}
	if f.visible("quartet-dev-catalog-dead-letters") != 1 {
		t.Error("catalog's dead letters moved too")
	}
	if _, err := runRedrive(t, srv, "-stage", "dev", "-consumer", "accounts"); err == nil {
		t.Error("-consumer accounts, which consumes nothing: no error")
	}
}

func TestRedriveFails(t *testing.T) {
	f := newFakeSQS(t, "dev", map[string]int{"catalog": 1, "orders": 1})
	f.failing["quartet-dev-orders-dead-letters"] = "AccessDenied: not authorized to perform sqs:SendMessage"
	srv := httptest.NewServer(f)
	defer srv.Close()
	out, err := runRedrive(t, srv, "-stage", "dev")
	if err == nil || !strings.Contains(err.Error(), "orders") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("a failed task: %v\n%s", err, out)
	}
	if f.visible("quartet-dev-catalog-events") != 1 {
		t.Errorf("catalog's move did not complete beside the failed one:\n%s", out)
	}

	// A stage that is not deployed.
	if _, err := runRedrive(t, srv, "-stage", "pr-9"); err == nil || !strings.Contains(err.Error(), "make deploy STAGE=pr-9") {
		t.Errorf("an undeployed stage: %v", err)
	}
	if _, err := runRedrive(t, srv, "-stage", "Bad_Name"); err == nil {
		t.Error("a bad stage name: no error")
	}
}

func hasRow(out string, fields []string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}
