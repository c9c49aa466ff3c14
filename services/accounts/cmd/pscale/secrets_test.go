package main

import (
	"fmt"
	"strings"
	"testing"

	"example.com/quartet/services/accounts/internal/awssecrets"
	"example.com/quartet/services/accounts/internal/awssecrets/awssecretstest"
)

// calls returns the requests the Secrets Manager stand-in received, each
// reduced to what the tests assert: the operation and the members that matter.
func calls(sm *awssecretstest.Server) []string {
	var got []string
	for _, r := range sm.Requests() {
		c := r.Target
		for _, member := range []string{"SecretId", "Name", "Description", "ForceDeleteWithoutRecovery", "RecoveryWindowInDays"} {
			if v, ok := r.Body[member]; ok {
				c += fmt.Sprintf(" %s=%v", member, v)
			}
		}
		if v, ok := r.Body["SecretString"].(string); ok {
			c += " SecretString=" + strings.SplitN(v, "@", 2)[0] + "@…"
		}
		if tok, _ := r.Body["ClientRequestToken"].(string); tok != "" {
			c += " ClientRequestToken"
		}
		got = append(got, c)
	}
	return got
}

func checkCalls(t *testing.T, sm *awssecretstest.Server, want ...string) {
	t.Helper()
	if got := calls(sm); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Secrets Manager received:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const (
	secret = "quartet/alice/accounts/database-url"
	dsnArg = "SecretString=user-readwriter:pscale_pw_readwriter@…"
)

// TestAWSSecretsBranchAndDelete provisions a stage twice and deletes it with
// the Secrets Manager store: the first branch creates the secret, the
// second puts a new version, delete removes it without recovery.
func TestAWSSecretsBranchAndDelete(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main"}
	sm := awssecretstest.New(t)
	p, _, _ := newProvisioner(t, api)
	p.secrets = &awssecrets.Store{Client: sm.Client(t), Description: secretDescription}

	if err := p.Branch(t.Context(), "alice"); err != nil {
		t.Fatalf("first Branch: %v", err)
	}
	checkCalls(t, sm,
		"PutSecretValue SecretId="+secret+" "+dsnArg+" ClientRequestToken",
		"CreateSecret Name="+secret+" Description="+secretDescription+" "+dsnArg+" ClientRequestToken",
	)
	if err := p.Branch(t.Context(), "alice"); err != nil {
		t.Fatalf("second Branch: %v", err)
	}
	versions, ok := sm.Versions(secret)
	if !ok || len(versions) != 2 || !strings.HasPrefix(versions[1], "user-readwriter:pscale_pw_readwriter@tcp(aws.connect.psdb.cloud:3306)/quartet?") {
		t.Fatalf("secret versions %q (exists: %v), want two, the current one the readwriter DSN", versions, ok)
	}

	sm2 := awssecretstest.New(t) // a fresh log of requests, for the deletion
	sm2.PutString(secret, versions[1])
	p.secrets = &awssecrets.Store{Client: sm2.Client(t)}
	if err := p.Delete(t.Context(), "alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok := sm2.Versions(secret); ok {
		t.Errorf("secret %s still exists", secret)
	}
	if err := p.Delete(t.Context(), "alice"); err != nil {
		t.Errorf("Delete of a deleted stage: %v", err)
	}
	checkCalls(t, sm2,
		"DeleteSecret SecretId="+secret+" ForceDeleteWithoutRecovery=true",
		"DeleteSecret SecretId="+secret+" ForceDeleteWithoutRecovery=true",
	)
}

func TestAWSSecretsStore(t *testing.T) {
	for _, tt := range []struct {
		name  string
		run   func(t *testing.T, sm *awssecretstest.Server, s *awssecrets.Store) error
		calls []string
		err   string // in the error's text; "" means success
	}{
		{
			name: "put a new version",
			run: func(t *testing.T, sm *awssecretstest.Server, s *awssecrets.Store) error {
				sm.PutString(secret, "old")
				return s.Put(t.Context(), secret, "new@db")
			},
			calls: []string{"PutSecretValue SecretId=" + secret + " SecretString=new@… ClientRequestToken"},
		},
		{
			name: "delete with a recovery window",
			run: func(t *testing.T, sm *awssecretstest.Server, s *awssecrets.Store) error {
				sm.PutString(secret, "old")
				s.RecoveryDays = 7
				if err := s.Delete(t.Context(), secret); err != nil {
					return err
				}
				if !sm.ScheduledForDeletion(secret) {
					t.Errorf("secret not scheduled for deletion")
				}
				return nil
			},
			calls: []string{"DeleteSecret SecretId=" + secret + " RecoveryWindowInDays=7"},
		},
		{
			name: "put to a secret scheduled for deletion",
			run: func(t *testing.T, sm *awssecretstest.Server, s *awssecrets.Store) error {
				sm.PutString(secret, "old")
				s.RecoveryDays = 30
				if err := s.Delete(t.Context(), secret); err != nil {
					return err
				}
				return s.Put(t.Context(), secret, "new@db")
			},
			calls: []string{
				"DeleteSecret SecretId=" + secret + " RecoveryWindowInDays=30",
				"PutSecretValue SecretId=" + secret + " SecretString=new@… ClientRequestToken",
			},
			err: "marked for deletion",
		},
		{
			name: "recovery window out of range",
			run: func(t *testing.T, _ *awssecretstest.Server, s *awssecrets.Store) error {
				s.RecoveryDays = 3
				return s.Delete(t.Context(), secret)
			},
			err: "want 0 or 7 to 30",
		},
		{
			name: "access denied",
			run: func(t *testing.T, sm *awssecretstest.Server, s *awssecrets.Store) error {
				sm.Fail("AccessDeniedException")
				return s.Put(t.Context(), secret, "new@db")
			},
			calls: []string{"PutSecretValue SecretId=" + secret + " SecretString=new@… ClientRequestToken"},
			err:   "AccessDeniedException",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sm := awssecretstest.New(t)
			err := tt.run(t, sm, &awssecrets.Store{Client: sm.Client(t)})
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("got %v, want an error mentioning %q", err, tt.err)
			}
			checkCalls(t, sm, tt.calls...)
		})
	}
}
