// Package awssecret reads the reviews context's one secret, the MongoDB
// URI, from AWS Secrets Manager (aws-sdk-go-v2), once at start.
//
// It builds its client from Lambda's environment (region and the execution
// role's credentials in AWS_REGION, AWS_ACCESS_KEY_ID, …) without the
// SDK's config package and its credential chain (SSO, STS, IMDS), which
// would add about 2 MB to the bootstrap for nothing Lambda needs.
package awssecret

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"example.com/quartet/packages/lambdacreds"
)

// Options says how to reach Secrets Manager.
type Options struct {
	// Getenv reads AWS_REGION, the credentials and, if set,
	// AWS_ENDPOINT_URL_SECRETS_MANAGER (required without an Endpoint).
	Getenv func(string) string
	// Endpoint is a stand-in's URL (tests); requests are then signed with
	// dummy credentials for us-east-1.
	Endpoint string
}

// Reader returns a function that reads the SecretString of a secret (name
// or ARN). Build it once, in main. Each attempt has 5 s, and the SDK's
// standard retryer makes up to three.
func Reader(opts Options) (func(ctx context.Context, id string) (string, error), error) {
	smOpts := secretsmanager.Options{
		HTTPClient: awshttp.NewBuildableClient().WithTimeout(5 * time.Second).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = time.Second }),
		Retryer: retry.NewStandard(),
	}
	if opts.Endpoint != "" {
		smOpts.Region = "us-east-1"
		smOpts.BaseEndpoint = aws.String(opts.Endpoint)
		smOpts.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "stand-in"}, nil
		})
	} else {
		if opts.Getenv == nil {
			return nil, errors.New("secrets manager: no environment to read the region and credentials from")
		}
		if smOpts.Region = opts.Getenv("AWS_REGION"); smOpts.Region == "" {
			return nil, errors.New("secrets manager: AWS_REGION is not set")
		}
		smOpts.Credentials = lambdacreds.FromEnv(opts.Getenv)
		// The SDK's config package honours the standard endpoint variable;
		// this client, built without it, must too, or a stand-in named
		// there (the Runtime Interface Emulator test) would be bypassed
		// for the real service.
		if endpoint := opts.Getenv("AWS_ENDPOINT_URL_SECRETS_MANAGER"); endpoint != "" {
			smOpts.BaseEndpoint = aws.String(endpoint)
		}
	}
	client := secretsmanager.New(smOpts)
	return func(ctx context.Context, id string) (string, error) {
		out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			return "", fmt.Errorf("read secret %s: %w", id, err)
		}
		if out.SecretString == nil || *out.SecretString == "" {
			return "", fmt.Errorf("secret %s has no SecretString", id)
		}
		return *out.SecretString, nil
	}, nil
}
