package rdsiam_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"example.com/quartet/services/catalog/internal/rdsiam"
)

func TestToken(t *testing.T) {
	signer := rdsiam.Signer{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session")}
	token, err := signer.Token(t.Context(), "quartet-dev-catalog.proxy-abc.eu-west-1.rds.amazonaws.com", 5432, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	// The token is the presigned URL without its scheme.
	u, err := url.Parse("https://" + token)
	if err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	q := u.Query()
	for name, want := range map[string]string{
		"Action": "connect", "DBUser": "catalog", "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Expires": "900", "X-Amz-Security-Token": "session",
	} {
		if got := q.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if u.Host != "quartet-dev-catalog.proxy-abc.eu-west-1.rds.amazonaws.com:5432" {
		t.Errorf("host %q", u.Host)
	}
	if cred := q.Get("X-Amz-Credential"); !strings.HasPrefix(cred, "AKIDEXAMPLE/") || !strings.HasSuffix(cred, "/eu-west-1/rds-db/aws4_request") {
		t.Errorf("credential scope %q", cred)
	}
	if q.Get("X-Amz-Signature") == "" {
		t.Error("unsigned")
	}
}

func TestTokenRefusesIncompleteInput(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKID", "secret", "")
	for name, tt := range map[string]struct {
		signer     rdsiam.Signer
		host, user string
	}{
		"no region":      {rdsiam.Signer{Credentials: creds}, "h", "u"},
		"no credentials": {rdsiam.Signer{Region: "eu-west-1"}, "h", "u"},
		"no host":        {rdsiam.Signer{Region: "eu-west-1", Credentials: creds}, "", "u"},
		"no user":        {rdsiam.Signer{Region: "eu-west-1", Credentials: creds}, "h", ""},
	} {
		if _, err := tt.signer.Token(t.Context(), tt.host, 5432, tt.user); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
