package lambdacreds_test

import (
	"testing"

	"example.com/quartet/packages/lambdacreds"
)

func TestFromEnv(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"}
	provider := lambdacreds.FromEnv(func(k string) string { return env[k] })
	got, err := provider.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != "AKID" || got.SecretAccessKey != "secret" || got.SessionToken != "token" {
		t.Errorf("Retrieve = %+v, want the environment's credentials", got)
	}

	// Read at every use: a role Lambda refreshed is seen at once.
	env["AWS_ACCESS_KEY_ID"] = "AKID2"
	if got, _ := provider.Retrieve(t.Context()); got.AccessKeyID != "AKID2" {
		t.Errorf("after a refresh AccessKeyID = %q, want AKID2", got.AccessKeyID)
	}

	delete(env, "AWS_SECRET_ACCESS_KEY")
	if _, err := provider.Retrieve(t.Context()); err == nil {
		t.Error("Retrieve without a secret key succeeded, want an error")
	}
}
