// Command redrive sends a stage's dead letters back to their consumers, or
// lists how many there are:
//
//	make redrive STAGE=dev         # go run ./infra/aws/cmd/redrive -stage dev
//	make dead-letters STAGE=dev    # go run ./infra/aws/cmd/redrive -stage dev -list
//	make redrive STAGE=dev CONSUMER=catalog   # -consumer catalog: one consumer's only
//
// Each consumer of events (catalog, orders, reviews) reads the SQS queue
// quartet-<stage>-<ctx>-events; a message it failed 5 times, or an event
// EventBridge could not deliver to that queue, is in
// quartet-<stage>-<ctx>-dead-letters. The queues are found by those names
// (quartet.Stage.QueueName, DeadLetterQueueName: the stack names them so),
// which needs no CloudFormation permission; the stack's outputs
// <Ctx>DeadLetterQueueUrl show the same queues.
//
// Redrive starts, for every dead-letter queue that holds messages, an SQS
// message move task (StartMessageMoveTask) to its consumer's queue, unless
// one is already running there, and then waits for every task to end
// (ListMessageMoveTasks), printing their progress. Consumers are
// idempotent, so an event that is handled twice changes nothing. It fails
// when a task fails or a queue is missing (the stage is not deployed).
//
// Region and credentials come from the environment (AWS_REGION,
// AWS_PROFILE, …); -endpoint points at a stand-in in tests. The caller
// needs sqs:GetQueueUrl, sqs:GetQueueAttributes, sqs:StartMessageMoveTask
// and sqs:ListMessageMoveTasks on the dead-letter queues, and
// sqs:ReceiveMessage, sqs:DeleteMessage on them and sqs:SendMessage on the
// consumers' queues (the move task acts with the caller's permissions).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	quartet "example.com/quartet/infra/aws"
	"example.com/quartet/packages/awsconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "redrive:", err)
		os.Exit(1)
	}
}

// Client is the part of SQS that redrive uses.
type Client interface {
	GetQueueUrl(context.Context, *sqs.GetQueueUrlInput, ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
	GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	StartMessageMoveTask(context.Context, *sqs.StartMessageMoveTaskInput, ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error)
	ListMessageMoveTasks(context.Context, *sqs.ListMessageMoveTasksInput, ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("redrive", flag.ContinueOnError)
	stageName := fs.String("stage", "", "the stage (dev, staging, prod, pr-123, …)")
	list := fs.Bool("list", false, "list the dead letters and the consumers' queues; move nothing")
	wait := fs.Bool("wait", true, "wait until every move task has ended")
	poll := fs.Duration("poll", 5*time.Second, "how often to ask for the tasks' progress")
	rate := fs.Int("rate", 0, "messages per second per task (0: as fast as SQS goes, up to 500)")
	consumer := fs.String("consumer", "", "only this consumer's queues (catalog, orders or reviews); empty means all")
	endpoint := fs.String("endpoint", "", "SQS endpoint (a stand-in); empty means AWS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stage, err := quartet.ParseStage(*stageName)
	if err != nil {
		return err
	}
	consumers := quartet.Consumers
	if *consumer != "" {
		if !slices.Contains(consumers, *consumer) {
			return fmt.Errorf("-consumer %q: want one of %v", *consumer, consumers)
		}
		consumers = []string{*consumer}
	}
	cfg, err := awsconfig.Load(ctx, awsconfig.Options{Endpoint: *endpoint, Region: getenv("AWS_REGION")})
	if err != nil {
		return err
	}
	r := redriver{client: sqs.NewFromConfig(cfg), stage: stage, consumers: consumers, out: stdout, poll: *poll, rate: *rate}
	if *list {
		return r.list(ctx)
	}
	return r.redrive(ctx, *wait)
}

// The statuses of a message move task, as ListMessageMoveTasks reports
// them (the SDK has no enum for them).
const (
	statusRunning    = "RUNNING"
	statusCancelling = "CANCELLING"
	statusCancelled  = "CANCELLED"
	statusFailed     = "FAILED"
)

type redriver struct {
	client    Client
	stage     quartet.Stage
	consumers []string
	out       io.Writer
	poll      time.Duration
	rate      int
}

// consumerQueues are one consumer's queue and dead-letter queue.
type consumerQueues struct {
	consumer          string
	queue, deadLetter queue
}

type queue struct {
	name, url, arn    string
	visible, inFlight int64
}

// queues finds every consumer's queues by name and reads their ARNs and
// approximate counts.
func (r redriver) queues(ctx context.Context) ([]consumerQueues, error) {
	var out []consumerQueues
	for _, c := range r.consumers {
		cq := consumerQueues{consumer: c}
		for _, q := range []struct {
			dst  *queue
			name string
		}{{&cq.queue, r.stage.QueueName(c)}, {&cq.deadLetter, r.stage.DeadLetterQueueName(c)}} {
			if err := r.describe(ctx, q.dst, q.name); err != nil {
				return nil, err
			}
		}
		out = append(out, cq)
	}
	return out, nil
}

func (r redriver) describe(ctx context.Context, q *queue, name string) error {
	q.name = name
	u, err := r.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		if errors.As(err, new(*types.QueueDoesNotExist)) {
			return fmt.Errorf("queue %s does not exist: is stage %s deployed (make deploy STAGE=%s), in this region?", name, r.stage, r.stage)
		}
		return fmt.Errorf("queue %s: %w", name, err)
	}
	q.url = aws.ToString(u.QueueUrl)
	a, err := r.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: u.QueueUrl,
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameQueueArn,
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		return fmt.Errorf("queue %s: %w", name, err)
	}
	q.arn = a.Attributes[string(types.QueueAttributeNameQueueArn)]
	if q.arn == "" {
		return fmt.Errorf("queue %s: SQS returned no QueueArn", name)
	}
	q.visible, _ = strconv.ParseInt(a.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)], 10, 64)
	q.inFlight, _ = strconv.ParseInt(a.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)], 10, 64)
	return nil
}

// lastTask returns the most recent move task from the dead-letter queue
// arn, or nil when it has none.
func (r redriver) lastTask(ctx context.Context, arn string) (*types.ListMessageMoveTasksResultEntry, error) {
	out, err := r.client.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(arn), MaxResults: aws.Int32(1)})
	if err != nil {
		return nil, fmt.Errorf("move tasks of %s: %w", arn, err)
	}
	if len(out.Results) == 0 {
		return nil, nil
	}
	return &out.Results[0], nil
}

// list prints, per consumer, the dead letters, the queue's backlog and the
// last move task.
func (r redriver) list(ctx context.Context) error {
	qs, err := r.queues(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "consumer\tdead letters\tqueued\tin flight\tlast redrive\tdead-letter queue")
	for _, cq := range qs {
		last := "-"
		task, err := r.lastTask(ctx, cq.deadLetter.arn)
		if err != nil {
			return err
		}
		if task != nil {
			last = describeTask(*task)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\n", cq.consumer, cq.deadLetter.visible, cq.queue.visible, cq.queue.inFlight, last, cq.deadLetter.url)
	}
	return w.Flush()
}

// redrive starts a move task from every dead-letter queue that holds
// messages to its consumer's queue, then (with wait) waits for them all.
func (r redriver) redrive(ctx context.Context, wait bool) error {
	qs, err := r.queues(ctx)
	if err != nil {
		return err
	}
	var moving []consumerQueues
	for _, cq := range qs {
		task, err := r.lastTask(ctx, cq.deadLetter.arn)
		if err != nil {
			return err
		}
		switch {
		case task != nil && aws.ToString(task.Status) == statusRunning:
			fmt.Fprintf(r.out, "%s: a redrive is already running (%s)\n", cq.consumer, describeTask(*task))
		case cq.deadLetter.visible == 0:
			fmt.Fprintf(r.out, "%s: no dead letters\n", cq.consumer)
			continue
		default:
			in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(cq.deadLetter.arn), DestinationArn: aws.String(cq.queue.arn)}
			if r.rate > 0 {
				in.MaxNumberOfMessagesPerSecond = aws.Int32(int32(min(r.rate, 500)))
			}
			if _, err := r.client.StartMessageMoveTask(ctx, in); err != nil {
				return fmt.Errorf("%s: start moving %s to %s: %w", cq.consumer, cq.deadLetter.name, cq.queue.name, err)
			}
			fmt.Fprintf(r.out, "%s: moving about %d dead letters from %s to %s\n", cq.consumer, cq.deadLetter.visible, cq.deadLetter.name, cq.queue.name)
		}
		moving = append(moving, cq)
	}
	if !wait || len(moving) == 0 {
		return nil
	}
	var failed []error
	for len(moving) > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped waiting; the tasks go on (make dead-letters STAGE=%s shows them): %w", r.stage, ctx.Err())
		case <-time.After(r.poll):
		}
		var still []consumerQueues
		for _, cq := range moving {
			task, err := r.lastTask(ctx, cq.deadLetter.arn)
			if err != nil {
				return err
			}
			if task == nil {
				return fmt.Errorf("%s: SQS lists no move task from %s", cq.consumer, cq.deadLetter.name)
			}
			fmt.Fprintf(r.out, "%s: %s\n", cq.consumer, describeTask(*task))
			switch aws.ToString(task.Status) {
			case statusRunning, statusCancelling:
				still = append(still, cq)
			case statusFailed:
				failed = append(failed, fmt.Errorf("%s: the move from %s failed: %s", cq.consumer, cq.deadLetter.name, aws.ToString(task.FailureReason)))
			case statusCancelled:
				failed = append(failed, fmt.Errorf("%s: the move from %s was cancelled", cq.consumer, cq.deadLetter.name))
			}
		}
		moving = still
	}
	return errors.Join(failed...)
}

// describeTask is "COMPLETED, 12 of 12 moved, started 2026-…".
func describeTask(t types.ListMessageMoveTasksResultEntry) string {
	s := aws.ToString(t.Status) + ", " + strconv.FormatInt(t.ApproximateNumberOfMessagesMoved, 10)
	if t.ApproximateNumberOfMessagesToMove != nil {
		s += " of " + strconv.FormatInt(*t.ApproximateNumberOfMessagesToMove, 10)
	}
	s += " moved"
	if t.StartedTimestamp > 0 {
		s += ", started " + time.UnixMilli(t.StartedTimestamp).UTC().Format(time.RFC3339)
	}
	if t.FailureReason != nil {
		s += ": " + aws.ToString(t.FailureReason)
	}
	return s
}
