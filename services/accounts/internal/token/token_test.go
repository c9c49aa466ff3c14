package token_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"example.com/quartet/services/accounts/internal/token"
)

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newIssuer(t *testing.T, keys ...*rsa.PrivateKey) token.Issuer {
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
	if header["alg"] != "RS256" || header["kid"] != is.Keys.Current.ID || header["typ"] != "JWT" {
		t.Errorf("header %v, want alg RS256, typ JWT and kid %s", header, is.Keys.Current.ID)
	}
	var raw map[string]any
	decode(t, parts[1], &raw)
	if _, ok := raw["roles"].([]any); !ok {
		t.Errorf("roles claim %T, want a JSON array", raw["roles"])
	}
	if raw["aud"] != "quartet" || raw["iss"] != is.Issuer {
		t.Errorf("aud %v, iss %v", raw["aud"], raw["iss"])
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
	kid := is.Keys.Current.ID
	with := func(change func(*token.Issuer)) string {
		other := is
		change(&other)
		tok, err := other.Issue("acct-1", nil)
		if err != nil {
			t.Fatal(err)
		}
		return tok.Token
	}
	// sign forges a token with any method and key, with the kid of the set.
	sign := func(m jwt.SigningMethod, k any) string {
		now := time.Now()
		tok := jwt.NewWithClaims(m, jwt.MapClaims{
			"iss": is.Issuer, "aud": is.Audience, "sub": "acct-1", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		})
		tok.Header["kid"] = kid
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	var claims map[string]any
	decode(t, parts[1], &claims)
	claims["roles"] = []string{"admin"}
	forged, _ := json.Marshal(claims)
	for name, tok := range map[string]string{
		"tampered claims":          parts[0] + "." + b64.EncodeToString(forged) + "." + parts[2],
		"alg none":                 b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"`+kid+`"}`)) + "." + parts[1] + ".",
		"HS256 with the PEM key":   sign(jwt.SigningMethodHS256, pubPEM),
		"HS256 with the modulus":   sign(jwt.SigningMethodHS256, key.N.Bytes()),
		"RS384, same key":          sign(jwt.SigningMethodRS384, key),
		"PS256, same key":          sign(jwt.SigningMethodPS256, key),
		"wrong audience":           with(func(o *token.Issuer) { o.Audience = "someone-else" }),
		"wrong issuer":             with(func(o *token.Issuer) { o.Issuer = "https://evil.example" }),
		"expired":                  with(func(o *token.Issuer) { o.Now = func() time.Time { return time.Now().Add(-16 * time.Minute) } }),
		"issued in the future":     with(func(o *token.Issuer) { o.Now = func() time.Time { return time.Now().Add(time.Hour) } }),
		"unknown key":              mustIssue(t, newIssuer(t, newKey(t))),
		"other key, same kid":      func() string { o := is; o.Keys.Current.Private = newKey(t); return mustIssue(t, o) }(),
		"signature of another jwt": parts[0] + "." + parts[1] + "." + strings.Split(with(func(o *token.Issuer) {}), ".")[2],
		"not a JWT":                "abc",
	} {
		if _, err := is.Verify(tok); !errors.Is(err, token.ErrInvalid) {
			t.Errorf("%s: Verify = %v, want ErrInvalid", name, err)
		}
	}
}

func mustIssue(t *testing.T, is token.Issuer) string {
	t.Helper()
	tok, err := is.Issue("acct-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

func TestRotation(t *testing.T) {
	oldKey, newKey := newKey(t), newKey(t)
	before := newIssuer(t, oldKey)
	issued, _ := before.Issue("acct-1", nil)
	after := newIssuer(t, newKey, oldKey)
	if _, err := after.Verify(issued.Token); err != nil {
		t.Errorf("a token of the previous key: %v", err)
	}
	if next, _ := after.Issue("acct-1", nil); strings.Contains(next.Token, before.Keys.Current.ID) {
		t.Errorf("the rotated set still signs with the old key")
	}
	body, err := json.Marshal(after.Keys.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(body, &jwks); err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 2 || jwks.Keys[0]["kid"] != after.Keys.Current.ID || jwks.Keys[1]["kid"] != before.Keys.Current.ID {
		t.Fatalf("JWKS %s, want the new key then the old", body)
	}
	k := jwks.Keys[0]
	if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["e"] != "AQAB" ||
		k["n"] != base64.RawURLEncoding.EncodeToString(newKey.N.Bytes()) || k["d"] != "" {
		t.Errorf("JWK %v", k)
	}
}

// TestThumbprint checks the key id against the example of RFC 7638 §3.1.
func TestThumbprint(t *testing.T) {
	n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	if err != nil {
		t.Fatal(err)
	}
	got, err := token.Thumbprint(&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537})
	if err != nil {
		t.Fatal(err)
	}
	if want := "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("Thumbprint = %s, want %s", got, want)
	}
}

func TestShortKeysAreRefused(t *testing.T) {
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := token.NewKeySet(short); !errors.Is(err, token.ErrKeyType) {
		t.Errorf("NewKeySet of a 1024-bit key = %v, want ErrKeyType", err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(short)
	if _, err := token.ParsePEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); !errors.Is(err, token.ErrKeyType) {
		t.Errorf("ParsePEM of a 1024-bit key = %v, want ErrKeyType", err)
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
	if bits := first[0].N.BitLen(); bits != token.MinKeyBits {
		t.Errorf("generated key of %d bits, want %d", bits, token.MinKeyBits)
	}
	info, err := os.Stat(filepath.Join(dir, token.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
}

// A make dev from before RS256 left an Ed25519 key: every process that
// starts together replaces it once, and all end up with the same RSA key.
func TestDirReplacesAStaleEd25519Key(t *testing.T) {
	dir := t.TempDir()
	_, stale, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(stale)
	staleFile := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, token.FileName), staleFile, 0o600); err != nil {
		t.Fatal(err)
	}

	const n = 8
	keys := make([][]*rsa.PrivateKey, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = token.Dir(dir).SigningKeys(t.Context()) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("loader %d: %v", i, errs[i])
		}
		if len(keys[i]) != 1 || !keys[i][0].Equal(keys[0][0]) {
			t.Errorf("loader %d got another key than loader 0", i)
		}
	}
	moved, err := os.ReadFile(filepath.Join(dir, token.StaleFileName))
	if err != nil || string(moved) != string(staleFile) {
		t.Errorf("the stale key was not kept aside in %s: %v", token.StaleFileName, err)
	}
	info, err := os.Stat(filepath.Join(dir, token.FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("new key file: %v, %v; want mode 0600", info, err)
	}
}

func TestPEMSource(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	p1, _ := token.EncodePEM(k1)
	p2 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k2)})
	keys, err := token.PEM(append(p1, p2...)).SigningKeys(t.Context())
	if err != nil || len(keys) != 2 || !keys[0].Equal(k1) || !keys[1].Equal(k2) {
		t.Errorf("SigningKeys = %d keys, %v; want both (PKCS #8 and PKCS #1), in order", len(keys), err)
	}
	if _, err := token.PEM("not a key").SigningKeys(t.Context()); err == nil {
		t.Errorf("SigningKeys of garbage succeeded")
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ed)
	edPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	_, err = token.PEM(append(p1, edPEM...)).SigningKeys(t.Context())
	if !errors.Is(err, token.ErrKeyType) || !strings.Contains(err.Error(), "PEM block 2 is an Ed25519 key") {
		t.Errorf("SigningKeys with an Ed25519 key = %v, want ErrKeyType naming block 2", err)
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
