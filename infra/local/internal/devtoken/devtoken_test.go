package devtoken_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"example.com/quartet/infra/local/internal/devtoken"
)

func TestMintVerify(t *testing.T) {
	a, err := devtoken.Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	now := time.Now()
	token, err := a.Mint("user-1", []string{"admin"}, now)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}

	header := decodeSegment(t, token, 0)
	if header["alg"] != "EdDSA" || header["kid"] != a.KeyID() || a.KeyID() == "" {
		t.Errorf("header = %v, want alg EdDSA and kid %q", header, a.KeyID())
	}

	claims, err := a.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify(Mint(...)): %v", err)
	}
	want := map[string]any{
		"iss":   "quartet-local",
		"aud":   "quartet",
		"sub":   "user-1",
		"roles": []any{"admin"},
		"iat":   float64(now.Unix()),
		"exp":   float64(now.Add(time.Hour).Unix()),
	}
	for name, value := range want {
		got, _ := json.Marshal(claims[name])
		wantJSON, _ := json.Marshal(value)
		if string(got) != string(wantJSON) {
			t.Errorf("claim %s = %s, want %s", name, got, wantJSON)
		}
	}
	if jti, _ := claims["jti"].(string); jti == "" {
		t.Errorf("claim jti = %v, want a random id", claims["jti"])
	}

	other, err := a.Mint("user-1", []string{"admin"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Verify(context.Background(), other); c["jti"] == claims["jti"] {
		t.Errorf("two tokens share jti %v", c["jti"])
	}
}

func TestMintWithoutRoles(t *testing.T) {
	a := newAuthority(t)
	token, err := a.Mint("user-1", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if roles := decodeSegment(t, token, 1)["roles"]; roles == nil {
		t.Error(`roles = null, want []`)
	}
	if _, err := a.Mint("", nil, time.Now()); err == nil {
		t.Error("Mint with an empty subject succeeded, want an error")
	}
}

func TestOpenKeepsTheKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := devtoken.Open(dir)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, devtoken.KeyFile))
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %v, want 0600", perm)
	}

	token, err := first.Mint("user-1", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	second, err := devtoken.Open(dir)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if second.KeyID() != first.KeyID() {
		t.Errorf("key id changed across Open: %q, then %q", first.KeyID(), second.KeyID())
	}
	if _, err := second.Verify(context.Background(), token); err != nil {
		t.Errorf("a token minted before a restart does not verify after it: %v", err)
	}
}

func TestOpenRejectsABadKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, devtoken.KeyFile), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := devtoken.Open(dir); err == nil || !strings.Contains(err.Error(), devtoken.KeyFile) {
		t.Errorf("Open with a corrupt key file: error %v, want one naming the file", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	_, otherKey, _ := ed25519.GenerateKey(nil)
	a := devtoken.New(key)
	now := time.Now()

	claims := func(overrides jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"iss": devtoken.Issuer, "aud": devtoken.Audience, "sub": "u", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range overrides {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	sign := func(method jwt.SigningMethod, signingKey any, kid string, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(method, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(signingKey)
		if err != nil {
			t.Fatalf("sign: %v", err)
		}
		return s
	}
	expired, err := a.Mint("u", nil, now.Add(-time.Hour-time.Minute))
	if err != nil {
		t.Fatal(err)
	}

	tests := map[string]string{
		"garbage":               "not.a.jwt",
		"expired":               expired,
		"other key, same kid":   sign(jwt.SigningMethodEdDSA, otherKey, a.KeyID(), claims(nil)),
		"unknown kid":           sign(jwt.SigningMethodEdDSA, key, "other", claims(nil)),
		"no kid":                sign(jwt.SigningMethodEdDSA, key, "", claims(nil)),
		"wrong audience":        sign(jwt.SigningMethodEdDSA, key, a.KeyID(), claims(jwt.MapClaims{"aud": "other"})),
		"no audience":           sign(jwt.SigningMethodEdDSA, key, a.KeyID(), claims(jwt.MapClaims{"aud": nil})),
		"wrong issuer":          sign(jwt.SigningMethodEdDSA, key, a.KeyID(), claims(jwt.MapClaims{"iss": "other"})),
		"no expiry":             sign(jwt.SigningMethodEdDSA, key, a.KeyID(), claims(jwt.MapClaims{"exp": nil})),
		"issued in the future":  sign(jwt.SigningMethodEdDSA, key, a.KeyID(), claims(jwt.MapClaims{"iat": now.Add(time.Hour).Unix()})),
		"alg none":              sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, a.KeyID(), claims(nil)),
		"HS256 with public key": sign(jwt.SigningMethodHS256, []byte(key.Public().(ed25519.PublicKey)), a.KeyID(), claims(nil)),
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			if c, err := a.Verify(context.Background(), token); err == nil {
				t.Errorf("Verify accepted the token, with claims %v", c)
			}
		})
	}
}

func newAuthority(t *testing.T) *devtoken.Authority {
	t.Helper()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return devtoken.New(key)
}

// decodeSegment decodes the header (0) or the claims (1) of a JWT.
func decodeSegment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d segments, want 3", token, len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatalf("segment %d of %q: %v", i, token, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("segment %d of %q: %v", i, token, err)
	}
	return m
}
