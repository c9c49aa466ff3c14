package token_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/quartet/services/accounts/internal/token"
)

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newIssuer(t *testing.T, keys ...ed25519.PrivateKey) token.Issuer {
	t.Helper()
	ks, err := token.NewKeySet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return token.Issuer{Issuer: "https://accounts.example.test", Audience: "quartet", Keys: ks}
}

func TestIssueAndVerify(t *testing.T) {
	is := newIssuer(t, newKey(t))
	issued, err := is.Issue("acct-1", []string{"admin", "customer"})
	if err != nil {
		t.Fatal(err)
	}
	if issued.ExpiresIn != 15*time.Minute {
		t.Errorf("ExpiresIn = %v, want 15m", issued.ExpiresIn)
	}
	parts := strings.Split(issued.Token, ".")
	var header map[string]string
	decode(t, parts[0], &header)
	if header["alg"] != "EdDSA" || header["kid"] != is.Keys.Current.ID || header["typ"] != "JWT" {
		t.Errorf("header %v, want alg EdDSA, typ JWT and kid %s", header, is.Keys.Current.ID)
	}
	var raw map[string]any
	decode(t, parts[1], &raw)
	if _, ok := raw["roles"].([]any); !ok {
		t.Errorf("roles claim %T, want a JSON array", raw["roles"])
	}
	c, err := is.Verify(issued.Token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.Subject != "acct-1" || c.ExpiresAt-c.IssuedAt != 900 || len(c.ID) < 16 || strings.Join(c.Roles, " ") != "admin customer" {
		t.Errorf("claims %+v", c)
	}
}

func TestVerifyRejects(t *testing.T) {
	key := newKey(t)
	is := newIssuer(t, key)
	good, err := is.Issue("acct-1", []string{"customer"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good.Token, ".")
	b64 := base64.RawURLEncoding

	other := is
	other.Audience = "someone-else"
	wrongAudience, _ := other.Issue("acct-1", nil)
	late := is
	late.Now = func() time.Time { return time.Now().Add(-16 * time.Minute) }
	expired, _ := late.Issue("acct-1", nil)
	stranger, _ := newIssuer(t, newKey(t)).Issue("acct-1", nil)

	var claims map[string]any
	decode(t, parts[1], &claims)
	claims["roles"] = []string{"admin"}
	forged, _ := json.Marshal(claims)

	for name, tok := range map[string]string{
		"tampered claims": parts[0] + "." + b64.EncodeToString(forged) + "." + parts[2],
		"alg none":        b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		"alg HS256":       b64.EncodeToString([]byte(`{"alg":"HS256","kid":"`+is.Keys.Current.ID+`"}`)) + "." + parts[1] + "." + parts[2],
		"wrong audience":  wrongAudience.Token,
		"expired":         expired.Token,
		"unknown key":     stranger.Token,
		"not a JWT":       "abc",
	} {
		if _, err := is.Verify(tok); !errors.Is(err, token.ErrInvalid) {
			t.Errorf("%s: Verify = %v, want ErrInvalid", name, err)
		}
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := newKey(t), newKey(t)
	before := newIssuer(t, oldKey)
	issued, _ := before.Issue("acct-1", nil)
	after := newIssuer(t, newKey, oldKey)
	if _, err := after.Verify(issued.Token); err != nil {
		t.Errorf("a token of the previous key: %v", err)
	}
	jwks := after.Keys.JWKS()
	if len(jwks.Keys) != 2 || jwks.Keys[0].Kid != after.Keys.Current.ID || jwks.Keys[1].Kid != before.Keys.Current.ID {
		t.Errorf("JWKS %+v, want the new key then the old", jwks)
	}
	k := jwks.Keys[0]
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || k.X != base64.RawURLEncoding.EncodeToString(newKey.Public().(ed25519.PublicKey)) {
		t.Errorf("JWK %+v", k)
	}
}

// TestThumbprint checks the key id against the example of RFC 8037 §A.3.
func TestThumbprint(t *testing.T) {
	x, _ := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if got, want := token.Thumbprint(x), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Errorf("Thumbprint = %s, want %s", got, want)
	}
}

func TestDirSource(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := token.Dir(dir).SigningKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	again, err := token.Dir(dir).SigningKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || !first[0].Equal(again[0]) {
		t.Errorf("the second load gave another key")
	}
	info, err := os.Stat(filepath.Join(dir, token.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
}

func TestPEMSource(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	p1, _ := token.EncodePEM(k1)
	p2, _ := token.EncodePEM(k2)
	keys, err := token.PEM(append(p1, p2...)).SigningKeys(t.Context())
	if err != nil || len(keys) != 2 || !keys[0].Equal(k1) || !keys[1].Equal(k2) {
		t.Errorf("SigningKeys = %d keys, %v; want both, in order", len(keys), err)
	}
	if _, err := token.PEM("not a key").SigningKeys(t.Context()); err == nil {
		t.Errorf("SigningKeys of garbage succeeded")
	}
}

func decode(t *testing.T, part string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
