package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issue 3's acceptance through the gateway: accounts issues the tokens the
// gateway's JWT authorizer verifies against accounts' JWKS.
func TestIdentity(t *testing.T) {
	needStack(t)

	// Sign up, sign in, and read one's own account.
	email, password := signUp(t, "ada")
	customer := signIn(t, email, password)
	me := call(t, http.MethodGet, "/v1/me", customer, nil)
	want(t, me, http.StatusOK, "GET /v1/me")
	var account struct {
		ID    string
		Email string
		Roles []string
	}
	me.decode(t, &account)
	if account.Email != email || strings.Join(account.Roles, ",") != "customer" {
		t.Errorf("GET /v1/me = %s, want %s with role customer", me.body, email)
	}

	// A secured catalog write: the demo admin may, a customer may not.
	admin := demoToken(t, "admin")
	p := newProduct(t, admin, 1999)
	r := call(t, http.MethodPatch, "/v1/products/"+p.ID, customer, map[string]any{"name": "mine now"}, "If-Match", `"1"`)
	want(t, r, http.StatusForbidden, "customer token on PATCH /v1/products/{id}")
	r = call(t, http.MethodPost, "/v1/products", customer, map[string]any{})
	want(t, r, http.StatusForbidden, "customer token on POST /v1/products")

	// Sign-up rules.
	r = call(t, http.MethodPost, "/v1/accounts", "", map[string]string{"email": strings.ToUpper(email), "displayName": "again", "password": "another good passphrase"})
	want(t, r, http.StatusConflict, "sign up with the same email in other case")
	r = call(t, http.MethodPost, "/v1/accounts", "", map[string]string{"email": newEmail("weak"), "displayName": "weak", "password": "password123"})
	want(t, r, http.StatusUnprocessableEntity, "sign up with a common password")
	r = call(t, http.MethodPost, "/v1/accounts", "", map[string]string{"email": newEmail("short"), "displayName": "short", "password": "short"})
	if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
		t.Errorf("sign up with a short password: status %d, want 422 (or 400 from the schema); body %s", r.status, r.body)
	}
	r = call(t, http.MethodPost, "/v1/sessions", "", map[string]string{"email": email, "password": "not the password"})
	want(t, r, http.StatusUnauthorized, "sign in with a wrong password")

	// Forged tokens. The test reads accounts' signing key where make dev
	// keeps it, to sign tokens that differ from a good one in one way.
	key := signingKey(t)
	header, claims := parts(t, admin)
	kid, _ := header["kid"].(string)
	forge := func(method jwt.SigningMethod, key any, kid string, change map[string]any) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		for k, v := range change {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now()
	strangerKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	good := forge(jwt.SigningMethodRS256, key, kid, nil)
	if header["alg"] != "RS256" {
		t.Errorf("accounts signs with %v, want RS256 (what API Gateway's JWT authorizer verifies)", header["alg"])
	}
	dot := strings.LastIndex(admin, ".")
	customerHead := customer[:strings.LastIndex(customer, ".")]

	// The forging itself is right: an unchanged claim set verifies.
	if r := call(t, http.MethodPost, "/v1/products", good, map[string]any{}); r.status == http.StatusUnauthorized || r.status >= 500 {
		t.Fatalf("the re-signed admin token: status %d %s, want it accepted (a 4xx about the empty product)", r.status, r.body)
	}

	for name, token := range map[string]string{
		"expired":             forge(jwt.SigningMethodRS256, key, kid, map[string]any{"iat": now.Add(-time.Hour).Unix(), "exp": now.Add(-time.Minute).Unix()}),
		"not yet valid":       forge(jwt.SigningMethodRS256, key, kid, map[string]any{"nbf": now.Add(time.Hour).Unix()}),
		"issued later":        forge(jwt.SigningMethodRS256, key, kid, map[string]any{"iat": now.Add(time.Hour).Unix()}),
		"wrong audience":      forge(jwt.SigningMethodRS256, key, kid, map[string]any{"aud": "someone-else"}),
		"wrong issuer":        forge(jwt.SigningMethodRS256, key, kid, map[string]any{"iss": "https://evil.example"}),
		"no expiry":           forge(jwt.SigningMethodRS256, key, kid, map[string]any{"exp": nil}),
		"tampered":            customerHead + admin[dot:],                                                  // a customer's claims with the admin's signature
		"tampered payload":    tamper(t, customer, map[string]any{"roles": []string{"admin", "customer"}}), // the customer made admin, signature kept
		"alg none":            forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, nil),
		"alg HS256, PEM key":  forge(jwt.SigningMethodHS256, pubPEM, kid, nil), // the public key as an HMAC secret
		"alg HS256, modulus":  forge(jwt.SigningMethodHS256, key.N.Bytes(), kid, nil),
		"alg PS256":           forge(jwt.SigningMethodPS256, key, kid, nil), // RSA-PSS: not an algorithm the JWKS names
		"unknown key":         forge(jwt.SigningMethodRS256, strangerKey, "stranger", nil),
		"other key, same kid": forge(jwt.SigningMethodRS256, strangerKey, kid, nil),
		"garbage":             "not-a-jwt",
	} {
		t.Run(name, func(t *testing.T) {
			r := call(t, http.MethodPost, "/v1/products", token, map[string]any{})
			if r.status != http.StatusUnauthorized || string(r.body) != `{"message":"Unauthorized"}` {
				t.Errorf("POST /v1/products with a token %s: %d %s, want API Gateway's 401", name, r.status, r.body)
			}
			r = call(t, http.MethodGet, "/v1/me", token, nil)
			if r.status != http.StatusUnauthorized {
				t.Errorf("GET /v1/me with a token %s: %d %s, want 401", name, r.status, r.body)
			}
		})
	}
}

// signingKey reads accounts' signing key from make dev's data directory.
func signingKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(stack.dataDir, "accounts-signing-key.pem"))
	if err != nil {
		t.Fatalf("accounts' signing key: %v", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("accounts' signing key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, ok := k.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("accounts' signing key is a %T, want an RSA key", k)
	}
	return rsaKey
}

// parts decodes the header and claims of a token without verifying it.
func parts(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	p := strings.Split(token, ".")
	if len(p) != 3 {
		t.Fatalf("token %q is not a JWS", token)
	}
	for i, v := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(p[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

// tamper changes claims of token and keeps its header and signature.
func tamper(t *testing.T, token string, change map[string]any) string {
	t.Helper()
	_, claims := parts(t, token)
	for k, v := range change {
		claims[k] = v
	}
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(token, ".")
	return p[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + p[2]
}
