package accounts_test

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/accounts/internal/awssecrets/awssecretstest"
	"example.com/quartet/services/accounts/internal/token"
)

// newKeyPEM returns a fresh RSA key and its PKCS #8 PEM block.
func newKeyPEM(tb testing.TB) (*rsa.PrivateKey, string) {
	tb.Helper()
	key, err := token.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	b, err := token.EncodePEM(key)
	if err != nil {
		tb.Fatal(err)
	}
	return key, string(b)
}

// staleEd25519PEM is a PKCS #8 Ed25519 key, of the kind accounts signed
// EdDSA tokens with before it switched to RS256 (RFC 8410 §10.3).
const staleEd25519PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
`

func TestKeysFromSecret(t *testing.T) {
	current, currentPEM := newKeyPEM(t)
	previous, previousPEM := newKeyPEM(t)
	const name = "quartet/alice/accounts/signing-keys"

	for _, tt := range []struct {
		name     string
		setup    func(*awssecretstest.Server) (id string)
		want     []*rsa.PrivateKey
		wantErr  string // in the error's text; "" means success
		notFound bool   // the error wraps accounts.ErrSecretNotFound
	}{
		{
			name:  "by name, current key first",
			setup: func(s *awssecretstest.Server) string { s.PutString(name, currentPEM+previousPEM); return name },
			want:  []*rsa.PrivateKey{current, previous},
		},
		{
			name:  "by ARN",
			setup: func(s *awssecretstest.Server) string { return s.PutString(name, currentPEM) },
			want:  []*rsa.PrivateKey{current},
		},
		{
			name: "rotated: the newest version is read",
			setup: func(s *awssecretstest.Server) string {
				s.PutString(name, previousPEM)
				s.PutString(name, currentPEM+previousPEM)
				return name
			},
			want: []*rsa.PrivateKey{current, previous},
		},
		{
			name:     "missing secret",
			setup:    func(*awssecretstest.Server) string { return name },
			wantErr:  "quartet/alice/accounts/signing-keys",
			notFound: true,
		},
		{
			name: "malformed PEM",
			setup: func(s *awssecretstest.Server) string {
				s.PutString(name, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")
				return name
			},
			wantErr: "no PEM private key",
		},
		{
			name: "PEM of another key type",
			setup: func(s *awssecretstest.Server) string {
				s.PutString(name, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
				return name
			},
			wantErr: "want PRIVATE KEY (PKCS #8)",
		},
		{
			name: "a stale Ed25519 key, from before RS256",
			setup: func(s *awssecretstest.Server) string {
				// Kept aside in Secrets Manager from an EdDSA stage: refused, naming the fix.
				s.PutString(name, currentPEM+staleEd25519PEM)
				return name
			},
			wantErr: "PEM block 2 is an Ed25519 key",
		},
		{
			name:    "binary-only secret",
			setup:   func(s *awssecretstest.Server) string { s.PutBinary(name, []byte(currentPEM)); return name },
			wantErr: "SecretBinary",
		},
		{
			name:    "access denied",
			setup:   func(s *awssecretstest.Server) string { s.Fail("AccessDeniedException"); return name },
			wantErr: "AccessDeniedException",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sm := awssecretstest.New(t)
			id := tt.setup(sm)
			got, err := accounts.KeysFromSecret(sm.Client(t), id).SigningKeys(t.Context())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SigningKeys: got %v, want an error mentioning %q", err, tt.wantErr)
				}
				if got := errors.Is(err, accounts.ErrSecretNotFound); got != tt.notFound {
					t.Errorf("errors.Is(%v, ErrSecretNotFound) = %v, want %v", err, got, tt.notFound)
				}
			} else if err != nil {
				t.Fatalf("SigningKeys: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d keys, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("key %d is not the one stored at that position", i)
				}
			}
			reqs := sm.Requests()
			if len(reqs) != 1 || reqs[0].Target != "GetSecretValue" || reqs[0].Body["SecretId"] != id {
				t.Errorf("requests %+v, want one GetSecretValue of SecretId %q", reqs, id)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{
		"DATABASE_URL":   "app:s3cret@tcp(aws.connect.psdb.cloud:3306)/accounts?tls=true",
		"TOKEN_ISSUER":   "https://shop.example",
		"TOKEN_AUDIENCE": "quartet",
	}
	const keysARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:quartet/prod/accounts/signing-keys-AbC123"
	for _, tt := range []struct {
		name    string
		env     map[string]string // over base; "" unsets
		wantErr []string          // all in the error's text; none means success
		check   func(*testing.T, accounts.Config)
	}{
		{
			name: "key directory",
			env:  map[string]string{"SIGNING_KEY_DIR": "/tmp/keys"},
			check: func(t *testing.T, c accounts.Config) {
				if c.Keys == nil || c.SigningKeysSecret != "" || c.NeedsSecrets() {
					t.Errorf("config %+v: want a key source and no secret", c)
				}
			},
		},
		{
			name: "PEM",
			env:  map[string]string{"SIGNING_KEYS": "-----BEGIN PRIVATE KEY-----"},
			check: func(t *testing.T, c accounts.Config) {
				if c.Keys == nil || c.NeedsSecrets() {
					t.Errorf("config %+v: want a key source and no secret", c)
				}
			},
		},
		{
			name: "both secrets",
			env:  map[string]string{"SIGNING_KEYS_SECRET": keysARN, "DATABASE_URL": "", "DATABASE_URL_SECRET": "quartet/prod/accounts/database-url"},
			check: func(t *testing.T, c accounts.Config) {
				if c.Keys != nil || c.SigningKeysSecret != keysARN || c.DatabaseURL != "" ||
					c.DatabaseURLSecret != "quartet/prod/accounts/database-url" || !c.NeedsSecrets() {
					t.Errorf("config %+v: want both secrets named and nothing else", c)
				}
				logged := c.LogValue().String()
				if !strings.Contains(logged, keysARN) || !strings.Contains(logged, "database-url") {
					t.Errorf("config logs as %s: want the secrets' names", logged)
				}
			},
		},
		{
			name:    "no key source",
			wantErr: []string{"none of SIGNING_KEYS_SECRET, SIGNING_KEYS, SIGNING_KEY_DIR is set"},
		},
		{
			name:    "PEM and directory",
			env:     map[string]string{"SIGNING_KEYS": "x", "SIGNING_KEY_DIR": "/tmp/keys"},
			wantErr: []string{"SIGNING_KEYS and SIGNING_KEY_DIR are all set"},
		},
		{
			name:    "secret and PEM",
			env:     map[string]string{"SIGNING_KEYS_SECRET": keysARN, "SIGNING_KEYS": "x"},
			wantErr: []string{"SIGNING_KEYS_SECRET and SIGNING_KEYS are all set"},
		},
		{
			name:    "all three key sources",
			env:     map[string]string{"SIGNING_KEYS_SECRET": keysARN, "SIGNING_KEYS": "x", "SIGNING_KEY_DIR": "/tmp/keys"},
			wantErr: []string{"SIGNING_KEYS_SECRET and SIGNING_KEYS and SIGNING_KEY_DIR are all set"},
		},
		{
			name:    "database URL and its secret",
			env:     map[string]string{"SIGNING_KEY_DIR": "/tmp/keys", "DATABASE_URL_SECRET": "db"},
			wantErr: []string{"DATABASE_URL and DATABASE_URL_SECRET are all set"},
		},
		{
			name:    "no database",
			env:     map[string]string{"SIGNING_KEY_DIR": "/tmp/keys", "DATABASE_URL": ""},
			wantErr: []string{"none of DATABASE_URL, DATABASE_URL_SECRET is set"},
		},
		{
			name:    "every problem at once",
			env:     map[string]string{"DATABASE_URL": "", "TOKEN_AUDIENCE": "", "SIGNING_KEYS": "x", "SIGNING_KEY_DIR": "/tmp/keys"},
			wantErr: []string{"TOKEN_AUDIENCE is not set", "DATABASE_URL", "SIGNING_KEYS and SIGNING_KEY_DIR"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := accounts.ConfigFromEnv(func(k string) string { return env[k] })
			if len(tt.wantErr) > 0 {
				for _, want := range tt.wantErr {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Errorf("ConfigFromEnv: got %v, want an error mentioning %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if logged := cfg.LogValue().String(); strings.Contains(logged, "s3cret") {
				t.Errorf("config logs as %s: want the password masked", logged)
			}
			tt.check(t, cfg)
		})
	}
}

// TestNewReadsSecrets assembles the context from a DSN and signing keys in
// Secrets Manager (the stand-in): they are read once, in New, and the JWKS
// serves the secret's keys, current first.
func TestNewReadsSecrets(t *testing.T) {
	sm := awssecretstest.New(t)
	current, currentPEM := newKeyPEM(t)
	previous, previousPEM := newKeyPEM(t)
	keysARN := sm.PutString("quartet/alice/accounts/signing-keys", currentPEM+previousPEM)
	sm.PutString("quartet/alice/accounts/database-url", mysqltest.Embedded(t))

	env := map[string]string{
		"DATABASE_URL_SECRET": "quartet/alice/accounts/database-url",
		"SIGNING_KEYS_SECRET": keysARN,
		"TOKEN_ISSUER":        "https://accounts.example.test",
		"TOKEN_AUDIENCE":      "quartet",
	}
	cfg, err := accounts.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := accounts.New(t.Context(), cfg, logger); err == nil {
		t.Errorf("New without Config.Secrets succeeded, want an error")
	}
	cfg.Secrets = sm.Client(t)
	app, err := accounts.New(t.Context(), cfg, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(app.Close)
	if err := app.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate through the DSN from the secret: %v", err)
	}

	for range 3 {
		rec := httptest.NewRecorder()
		app.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/jwks.json", nil))
		var jwks struct{ Keys []struct{ Kid string } }
		if err := json.Unmarshal(rec.Body.Bytes(), &jwks); rec.Code != http.StatusOK || err != nil {
			t.Fatalf("GET jwks.json: %d %s (%v)", rec.Code, rec.Body, err)
		}
		want := []string{thumbprint(t, current), thumbprint(t, previous)}
		if len(jwks.Keys) != 2 || jwks.Keys[0].Kid != want[0] || jwks.Keys[1].Kid != want[1] {
			t.Fatalf("JWKS %+v, want the kids %v", jwks.Keys, want)
		}
	}

	var got []string
	for _, r := range sm.Requests() {
		got = append(got, r.Target+" "+r.Body["SecretId"].(string))
	}
	want := []string{"GetSecretValue " + keysARN, "GetSecretValue quartet/alice/accounts/database-url"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant each secret read once, at start:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNewMissingDatabaseSecret(t *testing.T) {
	sm := awssecretstest.New(t)
	cfg := accounts.Config{
		DatabaseURLSecret: "quartet/gone/accounts/database-url", Issuer: "https://accounts.example.test", Audience: "quartet",
		Keys: accounts.KeysInDir(t.TempDir()), Secrets: sm.Client(t),
	}
	_, err := accounts.New(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if !errors.Is(err, accounts.ErrSecretNotFound) || !strings.Contains(err.Error(), "quartet/gone/accounts/database-url") {
		t.Errorf("New: got %v, want ErrSecretNotFound naming the secret", err)
	}
}

func thumbprint(tb testing.TB, k *rsa.PrivateKey) string {
	tb.Helper()
	id, err := token.Thumbprint(&k.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}
