package gateway_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// testAudience is the audience of the test issuers' tokens.
const testAudience = "quartet-test"

// testIssuer is a token issuer like accounts: it signs RS256 tokens and
// serves its discovery document and JWKS over HTTP.
type testIssuer struct {
	url string
	key *rsa.PrivateKey
	kid string

	mu        sync.Mutex
	published []jose.JSONWebKey // the keys in the JWKS, besides the ones to skip
	jwksHits  atomic.Int32
	discHits  atomic.Int32
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	is := &testIssuer{}
	is.key, is.kid = newKey(t)
	is.published = []jose.JSONWebKey{publicJWK(is.key, is.kid, "RS256")}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discHits.Add(1)
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.url, "jwks_uri": is.url + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		keys := append(skippedKeys(t), is.published...)
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: keys})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

// publish adds key to the issuer's JWKS, for RS256.
func (is *testIssuer) publish(key *rsa.PrivateKey) {
	is.publishJWK(publicJWK(key, thumbprint(key), "RS256"))
}

// publishJWK adds k to the issuer's JWKS.
func (is *testIssuer) publishJWK(k jose.JSONWebKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.published = append(is.published, k)
}

// publicJWK is the public JWK of key for signatures, with alg if not "".
func publicJWK(key crypto.Signer, kid, alg string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: key.Public(), KeyID: kid, Algorithm: alg, Use: "sig"}
}

// skippedKeys are keys in the JWKS that the authorizer must not verify
// with: an Ed25519 key (of the EdDSA tokens accounts signed before RS256),
// an ECDSA key, an RSA key for encryption, one for an RSA-PSS algorithm,
// and keys of a type go-jose does not read.
func skippedKeys(t *testing.T) []jose.JSONWebKey {
	t.Helper()
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := skippedRSAKey(t)
	return []jose.JSONWebKey{
		publicJWK(ed, "ed25519-1", "EdDSA"),
		publicJWK(ec, "ec-1", "ES256"),
		{Key: rsaKey.Public(), KeyID: "rsa-enc-1", Algorithm: "RSA-OAEP-256", Use: "enc"},
		publicJWK(rsaKey, "rsa-pss-1", "PS256"),
	}
}

// skippedRSAKey is the RSA key of skippedKeys, generated once: RSA keys
// take a while.
var skippedRSAKey = func() func(*testing.T) *rsa.PrivateKey {
	once := sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })
	return func(t *testing.T) *rsa.PrivateKey {
		t.Helper()
		k, err := once()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
}()

// claims returns valid claims for sub, issued at at, with extra merged in
// (a nil value deletes a claim).
func (is *testIssuer) claims(sub string, at time.Time, extra jwt.MapClaims) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": is.url, "aud": testAudience, "sub": sub, "roles": []string{"customer"},
		"iat": at.Unix(), "exp": at.Add(15 * time.Minute).Unix(), "jti": rand.Text(),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// token returns a token of the issuer for sub with roles, issued at at.
func (is *testIssuer) token(t *testing.T, sub string, roles []string, at time.Time) string {
	t.Helper()
	return sign(t, jwt.SigningMethodRS256, is.key, is.kid, is.claims(sub, at, jwt.MapClaims{"roles": roles}))
}

// sign signs claims with method and key, naming kid in the header.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s token: %v", method.Alg(), err)
	}
	return s
}

// newKey returns a new RSA key and its RFC 7638 thumbprint, the key id
// accounts gives it.
func newKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, thumbprint(key)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// thumbprint returns the RFC 7638 thumbprint of key's public key.
func thumbprint(key crypto.Signer) string {
	sum, err := (&jose.JSONWebKey{Key: key.Public()}).Thumbprint(crypto.SHA256)
	if err != nil {
		panic(err)
	}
	return b64(sum)
}
