package awssecret_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/quartet/services/reviews/internal/awssecret"
)

// secretsManager answers GetSecretValue as Secrets Manager documents it
// (JSON 1.1 protocol, X-Amz-Target secretsmanager.GetSecretValue).
func secretsManager(t *testing.T, secrets map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("X-Amz-Target"); got != "secretsmanager.GetSecretValue" {
			t.Errorf("X-Amz-Target %q", got)
		}
		var in struct{ SecretId string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		value, ok := secrets[in.SecretId]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:" + in.SecretId, "Name": in.SecretId, "SecretString": value})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReader(t *testing.T) {
	srv := secretsManager(t, map[string]string{"quartet/dev/reviews/mongodb-uri": "mongodb+srv://u:p@cluster.example.net/", "empty": ""})
	read, err := awssecret.Reader(awssecret.Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	got, err := read(t.Context(), "quartet/dev/reviews/mongodb-uri")
	if err != nil || got != "mongodb+srv://u:p@cluster.example.net/" {
		t.Errorf("read = %q, %v", got, err)
	}
	if _, err := read(t.Context(), "missing"); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Errorf("missing secret: %v", err)
	}
	if _, err := read(t.Context(), "empty"); err == nil {
		t.Error("empty secret: no error")
	}
}

func TestReaderNeedsRegionAndCredentials(t *testing.T) {
	if _, err := awssecret.Reader(awssecret.Options{Getenv: func(string) string { return "" }}); err == nil {
		t.Error("no error without AWS_REGION")
	}
	env := map[string]string{"AWS_REGION": "eu-west-1"}
	read, err := awssecret.Reader(awssecret.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	// No credentials: the call fails before it leaves the process.
	if _, err := read(t.Context(), "quartet/dev/reviews/mongodb-uri"); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("read without credentials: %v", err)
	}
}

// Lambda's environment with the SDK's standard endpoint variable: the
// client goes to that endpoint, signed with the environment's credentials.
func TestReaderHonoursTheEndpointVariable(t *testing.T) {
	srv := secretsManager(t, map[string]string{"quartet/dev/reviews/mongodb-uri": "mongodb://local/"})
	env := map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": srv.URL,
	}
	read, err := awssecret.Reader(awssecret.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := read(t.Context(), "quartet/dev/reviews/mongodb-uri"); err != nil || got != "mongodb://local/" {
		t.Errorf("read = %q, %v; want the stand-in's value", got, err)
	}
}
