// Package dynamo is the orders.Store on Amazon DynamoDB (aws-sdk-go-v2), in
// the single table defined by package table. services/orders/README.md
// lists the key shapes and the operation behind every access pattern; no
// method uses Scan.
package dynamo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/packages/awsconfig"
	"example.com/quartet/services/orders/table"
)

// ClientConfig says how to reach DynamoDB: awsconfig.Options. With an
// Endpoint (minidyn, DynamoDB Local) the client also skips response checksum
// validation, which minidyn does not support.
type ClientConfig = awsconfig.Options

// AttemptTimeout bounds one HTTP attempt of a DynamoDB call when the
// configuration sets no Timeout: DynamoDB answers in milliseconds, so an
// attempt stuck for a second is on a dead connection, and a second attempt
// still fits in the request's budget.
const AttemptTimeout = time.Second

// NewClient returns a DynamoDB client. Build it once per process (in main,
// before lambda.Start) and share it: it is safe for concurrent use and
// keeps its connections alive.
func NewClient(ctx context.Context, cfg ClientConfig) (*dynamodb.Client, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = AttemptTimeout
	}
	awsCfg, err := awsconfig.Load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	awsCfg.HTTPClient = bufferedBodies{next: awsCfg.HTTPClient}
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = cfg.Endpoint != ""
	}), nil
}

// bufferedBodies sends every request with its body read into memory first.
// The SDK hands net/http a body of its own that it closes as soon as the
// response arrives; when the answer comes back before the transport's
// writer is done with that body (an in-process store on loopback answers in
// microseconds), the transport does not return the connection to its pool,
// and the next request dials again: 1,205 new connections in 10,000 invokes
// of orders on minidyn (make coldstart), none with this. DynamoDB request
// bodies are JSON of at most a few megabytes, already in memory in the SDK.
type bufferedBodies struct{ next aws.HTTPClient }

func (c bufferedBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	if cerr := req.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	r := req.WithContext(req.Context()) // a shallow copy: the caller's request stays as it was
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return c.next.Do(r)
}

// CreateTable creates the table named name from table.Orders unless it
// exists, and waits until it is active. It is for local and test
// endpoints; in AWS the CDK stack owns the table.
func CreateTable(ctx context.Context, client *dynamodb.Client, name string) error {
	_, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		_, err = client.CreateTable(ctx, table.Orders.CreateTableInput(name))
		if _, ok := errors.AsType[*types.ResourceInUseException](err); ok {
			err = nil // created concurrently
		}
	}
	if err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	// Not the SDK's waiter: minidyn reports no TableStatus at all.
	for {
		out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", name, err)
		}
		if s := out.Table.TableStatus; s == "" || s == types.TableStatusActive {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("table %s is not active: %w", name, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
