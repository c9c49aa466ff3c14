// Package awssecrets reads and writes the accounts context's secrets in AWS
// Secrets Manager (aws-sdk-go-v2): the signing keys and the database DSN the
// Lambda function reads once at start, and the stage's DSN that cmd/pscale
// writes. Every secret is a SecretString; binary secrets are refused.
package awssecrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"example.com/quartet/packages/awsconfig"
)

// ErrNotFound means the secret does not exist (Secrets Manager's
// ResourceNotFoundException).
var ErrNotFound = errors.New("secret not found")

// ClientConfig says how to reach Secrets Manager: awsconfig.Options. Without
// an Endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER is honoured too.
type ClientConfig = awsconfig.Options

// NewClient returns a Secrets Manager client. Build it once per process (in
// main, before lambda.Start): it is safe for concurrent use.
func NewClient(ctx context.Context, cfg ClientConfig) (*secretsmanager.Client, error) {
	awsCfg, err := awsconfig.Load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return secretsmanager.NewFromConfig(awsCfg), nil
}

// Getter is the one Secrets Manager call that reading a secret needs;
// *secretsmanager.Client implements it.
type Getter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// String returns the SecretString of the current version (AWSCURRENT) of
// the secret id, an ARN or a name. Returns an error wrapping ErrNotFound if
// the secret does not exist, and an error if it has only a SecretBinary or
// an empty SecretString.
func String(ctx context.Context, client Getter, id string) (string, error) {
	if client == nil {
		return "", fmt.Errorf("secret %s: no Secrets Manager client", id)
	}
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", id, convert(err))
	}
	switch {
	case out.SecretString == nil && len(out.SecretBinary) > 0:
		return "", fmt.Errorf("secret %s holds a SecretBinary; want the value as SecretString", id)
	case out.SecretString == nil || *out.SecretString == "":
		return "", fmt.Errorf("secret %s has an empty SecretString", id)
	}
	return *out.SecretString, nil
}

// convert turns Secrets Manager's not-found exception into ErrNotFound,
// keeping the original error in the chain.
func convert(err error) error {
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// Store is cmd/pscale's store of stage secrets in Secrets Manager. Each
// secret holds one SecretString; writing it again adds a version, which
// becomes AWSCURRENT.
type Store struct {
	Client *secretsmanager.Client
	// Description is set on the secrets Put creates.
	Description string
	// RecoveryDays is how long Delete keeps a secret recoverable (7 to 30
	// days, Secrets Manager's RecoveryWindowInDays). Zero deletes it at
	// once, without recovery (ForceDeleteWithoutRecovery), so that the
	// name can be used again right away.
	RecoveryDays int
}

// NewStore returns a Store on client that deletes secrets at once.
func NewStore(client *secretsmanager.Client) *Store { return &Store{Client: client} }

// Put stores value as the new current version of the secret name,
// creating the secret when it does not exist (PutSecretValue, and
// CreateSecret on ResourceNotFoundException). A secret scheduled for
// deletion cannot be written: Secrets Manager answers
// InvalidRequestException until it is restored or deleted.
func (s *Store) Put(ctx context.Context, name, value string) error {
	_, err := s.Client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(name), SecretString: aws.String(value),
	})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		_, err = s.Client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name: aws.String(name), SecretString: aws.String(value), Description: optional(s.Description),
		})
		if _, ok := errors.AsType[*types.ResourceExistsException](err); ok { // created concurrently
			_, err = s.Client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
				SecretId: aws.String(name), SecretString: aws.String(value),
			})
		}
	}
	if err != nil {
		return fmt.Errorf("write secret %s: %w", name, err)
	}
	return nil
}

// Delete deletes the secret name, at once or after RecoveryDays. Deleting
// a secret that does not exist is not an error.
func (s *Store) Delete(ctx context.Context, name string) error {
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(name)}
	switch d := s.RecoveryDays; {
	case d == 0:
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	case d >= 7 && d <= 30:
		in.RecoveryWindowInDays = aws.Int64(int64(d))
	default:
		return fmt.Errorf("delete secret %s: recovery window of %d days, want 0 or 7 to 30", name, d)
	}
	_, err := s.Client.DeleteSecret(ctx, in)
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete secret %s: %w", name, err)
	}
	return nil
}

// Get returns the current value of the secret name; see String.
func (s *Store) Get(ctx context.Context, name string) (string, error) {
	return String(ctx, s.Client, name)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
