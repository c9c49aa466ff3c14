// Package dynamo is the orders.Store on Amazon DynamoDB (aws-sdk-go-v2), in
// the single table defined by package table. services/orders/README.md
// lists the key shapes and the operation behind every access pattern; no
// method uses Scan.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/services/orders/table"
)

// ClientConfig says how to reach DynamoDB.
type ClientConfig struct {
	// Endpoint is a local DynamoDB's URL, such as minidyn's or DynamoDB
	// Local's. Empty means AWS, with credentials and region from the
	// environment (the Lambda execution role). A client with an endpoint
	// reads nothing from the environment: it uses dummy static credentials
	// and Region, and skips response checksum validation, which minidyn
	// does not support.
	Endpoint string
	// Region is the AWS region; with an Endpoint it defaults to us-east-1.
	Region string
	// Timeout bounds each HTTP attempt; the SDK's standard retryer retries
	// throttling and transient errors up to three attempts in all. Zero
	// means DefaultTimeout. The request's context bounds the whole call.
	Timeout time.Duration
}

// DefaultTimeout bounds one HTTP attempt to DynamoDB.
const DefaultTimeout = 5 * time.Second

// NewClient returns a DynamoDB client. Build it once per process (in main,
// before lambda.Start) and share it: it is safe for concurrent use and
// keeps its connections alive.
func NewClient(ctx context.Context, cfg ClientConfig) (*dynamodb.Client, error) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	httpClient := awshttp.NewBuildableClient().
		WithTimeout(timeout).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second })
	newRetryer := func() aws.Retryer { return retry.NewStandard() }

	if cfg.Endpoint == "" {
		awsCfg, err := config.LoadDefaultConfig(ctx,
			config.WithRegion(cfg.Region), config.WithHTTPClient(httpClient), config.WithRetryer(newRetryer))
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
		return dynamodb.NewFromConfig(awsCfg), nil
	}

	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	awsCfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:  httpClient,
		Retryer:     newRetryer,
	}
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(cfg.Endpoint)
		o.DisableValidateResponseChecksum = true
	}), nil
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
