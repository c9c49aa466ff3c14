// Package lambdacreds reads the execution role's credentials from the
// variables Lambda sets in every execution environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
//
// The SDK's default chain (package config) reads the same variables in
// Lambda, but it also links SSO, STS and IMDS clients: about 2 MB of
// bootstrap that a function which only needs its own role does without.
package lambdacreds

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// FromEnv returns a provider of the credentials in the environment, read
// through getenv at every use, so a refreshed role (Lambda updates the
// variables) is seen by the next signature.
func FromEnv(getenv func(string) string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		creds := aws.Credentials{
			AccessKeyID:     getenv("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken:    getenv("AWS_SESSION_TOKEN"),
			Source:          "environment",
		}
		if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
			return aws.Credentials{}, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
		}
		return creds, nil
	})
}
