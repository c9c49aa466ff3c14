// Package awsconfig builds the aws.Config that every AWS client of Quartet
// starts from, so that each one fails fast and retries the same way, and
// so that tests and the local system can point any client at an in-process
// stand-in without ever reaching AWS.
package awsconfig

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultTimeout bounds one HTTP attempt.
const DefaultTimeout = 5 * time.Second

// The retry policy of every client: up to MaxAttempts attempts for
// throttling and transient errors, with exponential backoff and jitter of
// at most MaxBackoff between them, so that the retries of a call fit in a
// request's budget (packages/budget). The SDK also stops retrying when the
// call's context ends. There is no client-side retry quota: its "retry
// quota exceeded" errors would hide the throttling or timeout behind them,
// and a Lambda execution environment makes one call at a time.
const (
	MaxAttempts = 3
	MaxBackoff  = 200 * time.Millisecond
)

// DefaultLocalRegion is the region of clients with an Endpoint and no Region.
const DefaultLocalRegion = "us-east-1"

// Options says how to reach a service.
type Options struct {
	// Endpoint is the URL of a stand-in of the service (minidyn, a test
	// server). Empty means AWS, with credentials and region from the
	// environment: the Lambda execution role, or the operator's profile.
	// With an Endpoint nothing is read from the environment: requests are
	// signed with dummy static credentials for Region.
	Endpoint string
	// Region is the AWS region; with an Endpoint it defaults to
	// DefaultLocalRegion.
	Region string
	// Timeout bounds each HTTP attempt (DefaultTimeout when zero); the
	// SDK's standard retryer makes up to MaxAttempts attempts for
	// throttling and transient errors. The request's context (its budget)
	// bounds the whole call.
	Timeout time.Duration
}

// Load returns the configuration for opts. Build clients from it once per
// process (in main, before lambda.Start): they are safe for concurrent use
// and keep their connections alive.
func Load(ctx context.Context, opts Options) (aws.Config, error) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	httpClient := awshttp.NewBuildableClient().
		WithTimeout(timeout).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second })
	newRetryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = MaxAttempts
			o.MaxBackoff = MaxBackoff
			o.RateLimiter = ratelimit.None
		})
	}

	if opts.Endpoint == "" {
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithRegion(opts.Region), config.WithHTTPClient(httpClient), config.WithRetryer(newRetryer))
		if err != nil {
			return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
		}
		return cfg, nil
	}
	region := opts.Region
	if region == "" {
		region = DefaultLocalRegion
	}
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:   httpClient,
		Retryer:      newRetryer,
		BaseEndpoint: aws.String(opts.Endpoint),
	}, nil
}
