// Package awssecret reads the reviews context's one secret, the MongoDB
// URI, from AWS Secrets Manager (aws-sdk-go-v2), once at start.
package awssecret

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"example.com/quartet/packages/awsconfig"
)

// Reader returns a function that reads the SecretString of a secret (name
// or ARN) from Secrets Manager, reached as opts says (awsconfig: the
// environment's region and credentials when opts.Endpoint is empty). Build
// it once, in main.
func Reader(ctx context.Context, opts awsconfig.Options) (func(ctx context.Context, id string) (string, error), error) {
	cfg, err := awsconfig.Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	client := secretsmanager.NewFromConfig(cfg)
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
