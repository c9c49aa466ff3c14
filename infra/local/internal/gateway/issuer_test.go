package gateway_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testAudience is the audience of the test issuers' tokens.
const testAudience = "quartet-test"

// testIssuer is a token issuer like accounts: it signs EdDSA tokens and
// serves its discovery document and JWKS over HTTP.
type testIssuer struct {
	url string
	key ed25519.PrivateKey
	kid string

	mu        sync.Mutex
	published []ed25519.PrivateKey // the keys in the JWKS
	jwksHits  atomic.Int32
	discHits  atomic.Int32
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	is := &testIssuer{}
	is.key, is.kid = newKey(t)
	is.published = []ed25519.PrivateKey{is.key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discHits.Add(1)
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.url, "jwks_uri": is.url + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		keys := []map[string]string{
			// Keys the authorizer must skip.
			{"kty": "RSA", "kid": "rsa-1", "n": "AQAB", "e": "AQAB", "alg": "RS256", "use": "sig"},
			{"kty": "OKP", "crv": "X25519", "kid": "x-1", "x": b64(make([]byte, 32))},
		}
		for _, k := range is.published {
			pub := k.Public().(ed25519.PublicKey)
			keys = append(keys, map[string]string{"kty": "OKP", "crv": "Ed25519", "x": b64(pub), "kid": thumbprint(pub), "alg": "EdDSA", "use": "sig"})
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

// publish adds key to the issuer's JWKS.
func (is *testIssuer) publish(key ed25519.PrivateKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.published = append(is.published, key)
}

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
	return sign(t, jwt.SigningMethodEdDSA, is.key, is.kid, is.claims(sub, at, jwt.MapClaims{"roles": roles}))
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

func newKey(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return key, thumbprint(key.Public().(ed25519.PublicKey))
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// thumbprint returns the RFC 7638 thumbprint of an Ed25519 key, as accounts
// uses for key ids.
func thumbprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64(pub) + `"}`))
	return b64(sum[:])
}
