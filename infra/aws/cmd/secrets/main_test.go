package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// secretsManager is a stand-in of Secrets Manager's JSON 1.1 protocol for
// the three calls secrets makes, with the documented shapes and the
// ResourceNotFoundException / ResourceExistsException errors.
type secretsManager struct {
	mu      sync.Mutex
	secrets map[string][]string // versions, current last
}

func (s *secretsManager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var in struct{ SecretId, Name, SecretString string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(typ string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": typ})
	}
	arn := func(name string) string {
		return "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + name + "-AbCdEf"
	}
	switch r.Header.Get("X-Amz-Target") {
	case "secretsmanager.DescribeSecret":
		if _, ok := s.secrets[in.SecretId]; !ok {
			fail("ResourceNotFoundException")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn(in.SecretId), "Name": in.SecretId})
	case "secretsmanager.CreateSecret":
		if _, ok := s.secrets[in.Name]; ok {
			fail("ResourceExistsException")
			return
		}
		s.secrets[in.Name] = []string{in.SecretString}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn(in.Name), "Name": in.Name, "VersionId": "v1"})
	case "secretsmanager.PutSecretValue":
		if _, ok := s.secrets[in.SecretId]; !ok {
			fail("ResourceNotFoundException")
			return
		}
		s.secrets[in.SecretId] = append(s.secrets[in.SecretId], in.SecretString)
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn(in.SecretId), "Name": in.SecretId, "VersionId": "v2"})
	case "secretsmanager.DeleteSecret":
		if _, ok := s.secrets[in.SecretId]; !ok {
			fail("ResourceNotFoundException")
			return
		}
		delete(s.secrets, in.SecretId)
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn(in.SecretId), "Name": in.SecretId})
	default:
		fail("InvalidRequestException")
	}
}

func TestSecrets(t *testing.T) {
	sm := &secretsManager{secrets: map[string][]string{}}
	srv := httptest.NewServer(sm)
	defer srv.Close()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	args := []string{"-stage", "pr-7", "-endpoint", srv.URL}

	// First run: no Mongo URI given, nothing there yet.
	err := run(t.Context(), args, getenv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "MONGODB_URI") {
		t.Fatalf("without MONGODB_URI: %v", err)
	}
	env["MONGODB_URI"] = "mongodb+srv://u:p@cluster0.example.mongodb.net/"
	err = run(t.Context(), args, getenv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "make db-branch STAGE=pr-7") {
		t.Fatalf("without the accounts DSN: %v", err)
	}
	sm.secrets["quartet/pr-7/accounts/database-url"] = []string{"dsn"}
	if err := run(t.Context(), args, getenv, io.Discard); err != nil {
		t.Fatal(err)
	}

	keys := sm.secrets["quartet/pr-7/accounts/signing-keys"]
	if len(keys) != 1 {
		t.Fatalf("signing keys: %d versions, want 1 (created once)", len(keys))
	}
	block, rest := pem.Decode([]byte(keys[0]))
	if block == nil || block.Type != "PRIVATE KEY" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("signing keys: %q, want one PKCS #8 PRIVATE KEY block", keys[0])
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if rsaKey, ok := key.(*rsa.PrivateKey); err != nil || !ok || rsaKey.N.BitLen() != 2048 {
		t.Fatalf("signing key: %T %v, want RSA 2048", key, err)
	}
	if got := sm.secrets["quartet/pr-7/reviews/mongodb-uri"]; len(got) != 2 || got[1] != env["MONGODB_URI"] {
		t.Errorf("mongodb uri versions %v", got)
	}

	// Again: the key is kept, the URI only rewritten when given.
	delete(env, "MONGODB_URI")
	if err := run(t.Context(), args, getenv, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n := len(sm.secrets["quartet/pr-7/accounts/signing-keys"]); n != 1 {
		t.Errorf("signing keys rewritten: %d versions", n)
	}
	if n := len(sm.secrets["quartet/pr-7/reviews/mongodb-uri"]); n != 2 {
		t.Errorf("mongodb uri rewritten without MONGODB_URI: %d versions", n)
	}

	if err := run(t.Context(), []string{"-stage", "Bad_Stage", "-endpoint", srv.URL}, getenv, io.Discard); err == nil {
		t.Error("an invalid stage was accepted")
	}

	// make destroy: the two secrets go, the DSN is cmd/pscale's to delete;
	// twice is fine; prod is refused.
	for range 2 {
		if err := run(t.Context(), append(args, "-delete"), getenv, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := sm.secrets["quartet/pr-7/accounts/signing-keys"]; ok {
		t.Error("signing keys not deleted")
	}
	if _, ok := sm.secrets["quartet/pr-7/reviews/mongodb-uri"]; ok {
		t.Error("mongodb uri not deleted")
	}
	if _, ok := sm.secrets["quartet/pr-7/accounts/database-url"]; !ok {
		t.Error("the DSN was deleted: cmd/pscale owns it")
	}
	if err := run(t.Context(), []string{"-stage", "prod", "-endpoint", srv.URL, "-delete"}, getenv, io.Discard); err == nil {
		t.Error("deleting prod's secrets was accepted")
	}
}
