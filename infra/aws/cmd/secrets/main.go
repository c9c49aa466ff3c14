// Command secrets prepares the Secrets Manager secrets of a stage that the
// stack only references, before the stage's first deploy (make deploy runs
// it; make secrets STAGE=x alone):
//
//   - quartet/<stage>/accounts/signing-keys: generated once, an RSA 2048
//     key as a PKCS #8 "PRIVATE KEY" PEM block (accounts signs RS256);
//     left alone when it exists (rotation: docs/deploy.md);
//   - quartet/<stage>/reviews/mongodb-uri: MONGODB_URI, written when that
//     variable is set, required the first time;
//   - quartet/<stage>/accounts/database-url: only checked; make db-branch
//     (services/accounts/cmd/pscale) writes it.
//
// With -delete (make destroy) it deletes the first two at once, without a
// recovery window, so that the stage's name can be used again; it refuses
// prod and staging, which keep their data.
//
// Region and credentials come from the environment (AWS_REGION,
// AWS_PROFILE, …); -endpoint points at a stand-in in tests.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	quartet "example.com/quartet/infra/aws"
	"example.com/quartet/packages/awsconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "secrets:", err)
		os.Exit(1)
	}
}

// Client is the part of Secrets Manager that secrets uses.
type Client interface {
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("secrets", flag.ContinueOnError)
	stageName := fs.String("stage", "", "the stage (dev, staging, prod, pr-123, …)")
	endpoint := fs.String("endpoint", "", "Secrets Manager endpoint (a stand-in); empty means AWS")
	del := fs.Bool("delete", false, "delete the stage's signing keys and MongoDB URI (make destroy)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stage, err := quartet.ParseStage(*stageName)
	if err != nil {
		return err
	}
	cfg, err := awsconfig.Load(ctx, awsconfig.Options{Endpoint: *endpoint, Region: getenv("AWS_REGION")})
	if err != nil {
		return err
	}
	client := secretsmanager.NewFromConfig(cfg)
	if *del {
		return remove(ctx, client, stage, stdout)
	}
	return prepare(ctx, client, stage, getenv("MONGODB_URI"), stdout)
}

// remove deletes the secrets prepare creates; a missing one is no error.
func remove(ctx context.Context, client Client, stage quartet.Stage, stdout io.Writer) error {
	if stage.Durable() {
		return fmt.Errorf("%s keeps its data: delete its secrets by hand (docs/deploy.md)", stage)
	}
	for _, name := range []string{stage.SecretName("accounts", "signing-keys"), stage.SecretName("reviews", "mongodb-uri")} {
		_, err := client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(name), ForceDeleteWithoutRecovery: aws.Bool(true)})
		if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
			continue
		}
		if err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
		fmt.Fprintf(stdout, "%s: deleted\n", name)
	}
	return nil
}

func prepare(ctx context.Context, client Client, stage quartet.Stage, mongoURI string, stdout io.Writer) error {
	keys := stage.SecretName("accounts", "signing-keys")
	switch exists, err := exists(ctx, client, keys); {
	case err != nil:
		return err
	case exists:
		fmt.Fprintf(stdout, "%s: exists, kept\n", keys)
	default:
		block, err := newSigningKey()
		if err != nil {
			return err
		}
		if err := create(ctx, client, keys, block, "accounts signing keys (PEM, current first) of stage "+string(stage)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: created with a new RSA 2048 key\n", keys)
	}

	mongo := stage.SecretName("reviews", "mongodb-uri")
	found, err := exists(ctx, client, mongo)
	switch {
	case err != nil:
		return err
	case mongoURI == "" && !found:
		return fmt.Errorf("%s does not exist: set MONGODB_URI (the Atlas connection string) and run again", mongo)
	case mongoURI == "":
		fmt.Fprintf(stdout, "%s: exists, kept\n", mongo)
	case found:
		if _, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(mongo), SecretString: aws.String(mongoURI)}); err != nil {
			return fmt.Errorf("write %s: %w", mongo, err)
		}
		fmt.Fprintf(stdout, "%s: new version from MONGODB_URI\n", mongo)
	default:
		if err := create(ctx, client, mongo, mongoURI, "reviews MongoDB URI of stage "+string(stage)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: created from MONGODB_URI\n", mongo)
	}

	dsn := stage.SecretName("accounts", "database-url")
	switch found, err := exists(ctx, client, dsn); {
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("%s does not exist: run make db-branch STAGE=%s first", dsn, stage)
	}
	fmt.Fprintf(stdout, "%s: exists\n", dsn)
	return nil
}

// exists reports whether the secret name exists and is not scheduled for
// deletion.
func exists(ctx context.Context, client Client, name string) (bool, error) {
	out, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("describe %s: %w", name, err)
	}
	if out.DeletedDate != nil {
		return false, fmt.Errorf("%s is scheduled for deletion: restore it (aws secretsmanager restore-secret) or wait until it is gone", name)
	}
	return true, nil
}

func create(ctx context.Context, client Client, name, value, description string) error {
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value), Description: aws.String(description),
		Tags: []types.Tag{{Key: aws.String("quartet:secret"), Value: aws.String(name)}},
	})
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// newSigningKey returns a new RSA key as a PKCS #8 "PRIVATE KEY" PEM block,
// the form accounts reads from SIGNING_KEYS_SECRET.
func newSigningKey() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("encode signing key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
