// Package rdsiam signs the IAM authentication tokens with which catalog
// connects to RDS Proxy (or straight to RDS) without a password. A token
// is a SigV4 presigned URL, computed locally from the execution role's
// credentials: signing contacts no AWS endpoint, so a function in an
// isolated subnet needs no VPC endpoint for it. A token is valid for 15
// minutes and is checked only when a connection opens, so one is signed
// for every new connection.
package rdsiam

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
)

// Signer signs tokens for one region with one set of credentials.
type Signer struct {
	Region      string
	Credentials aws.CredentialsProvider
}

// Token returns the token with which user connects to the database or
// proxy at host:port.
func (s Signer) Token(ctx context.Context, host string, port int, user string) (string, error) {
	switch {
	case s.Region == "":
		return "", errors.New("rds iam token: no region")
	case s.Credentials == nil:
		return "", errors.New("rds iam token: no credentials")
	case host == "" || user == "":
		return "", fmt.Errorf("rds iam token: want a host and a user, have %q and %q", host, user)
	}
	token, err := auth.BuildAuthToken(ctx, net.JoinHostPort(host, strconv.Itoa(port)), s.Region, user, s.Credentials)
	if err != nil {
		return "", fmt.Errorf("rds iam token for %s@%s: %w", user, host, err)
	}
	return token, nil
}
