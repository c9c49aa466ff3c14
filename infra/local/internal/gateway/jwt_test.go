package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"example.com/quartet/infra/local/internal/gateway"
)

// clock is a settable time for the authorizer.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newAuthorizer(t *testing.T, cfg gateway.JWTConfig) *gateway.JWTAuthorizer {
	t.Helper()
	a, err := gateway.NewJWTAuthorizer(cfg)
	if err != nil {
		t.Fatalf("NewJWTAuthorizer: %v", err)
	}
	return a
}

func TestJWTAuthorizerCachesKeys(t *testing.T) {
	is := newTestIssuer(t)
	clk := &clock{now: time.Now()}
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}, Now: clk.Now})
	ctx := context.Background()

	for range 5 {
		claims, err := a.Verify(ctx, is.token(t, "u1", []string{"customer"}, clk.Now()))
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if claims["sub"] != "u1" {
			t.Errorf("sub = %v, want u1", claims["sub"])
		}
	}
	if d, j := is.discHits.Load(), is.jwksHits.Load(); d != 1 || j != 1 {
		t.Errorf("fetched discovery %d and JWKS %d times for 5 tokens, want 1 and 1", d, j)
	}

	// After the keys' TTL they are fetched again.
	clk.advance(gateway.DefaultKeysTTL + time.Second)
	if _, err := a.Verify(ctx, is.token(t, "u1", nil, clk.Now())); err != nil {
		t.Fatalf("Verify after the TTL: %v", err)
	}
	if j := is.jwksHits.Load(); j != 2 {
		t.Errorf("JWKS fetched %d times after the TTL, want 2", j)
	}
}

func TestJWTAuthorizerRefreshesOnUnknownKeyAtMostOncePerInterval(t *testing.T) {
	is := newTestIssuer(t)
	clk := &clock{now: time.Now()}
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}, Now: clk.Now})
	ctx := context.Background()
	if _, err := a.Verify(ctx, is.token(t, "u1", nil, clk.Now())); err != nil {
		t.Fatal(err)
	}

	// A key rotation: the issuer publishes and signs with a new key.
	rotKey, rotKid := newKey(t)
	is.publish(rotKey)
	rotated := sign(t, jwt.SigningMethodRS256, rotKey, rotKid, is.claims("u1", clk.Now(), nil))

	// Within the refresh interval of the first fetch, the unknown key is
	// not fetched for.
	if _, err := a.Verify(ctx, rotated); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Errorf("Verify within the refresh interval = %v, want an unknown key error", err)
	}
	if j := is.jwksHits.Load(); j != 1 {
		t.Errorf("JWKS fetched %d times, want 1", j)
	}

	clk.advance(gateway.DefaultRefreshInterval)
	if _, err := a.Verify(ctx, rotated); err != nil {
		t.Fatalf("Verify with the rotated key after the interval: %v", err)
	}
	// The old key still verifies, and forged kids do not cause fetches.
	if _, err := a.Verify(ctx, is.token(t, "u1", nil, clk.Now())); err != nil {
		t.Errorf("Verify with the previous key: %v", err)
	}
	forgedKey, forgedKid := newKey(t)
	for range 10 {
		a.Verify(ctx, sign(t, jwt.SigningMethodRS256, forgedKey, forgedKid, is.claims("u1", clk.Now(), nil)))
	}
	if j := is.jwksHits.Load(); j != 2 {
		t.Errorf("JWKS fetched %d times, want 2", j)
	}
}

func TestJWTAuthorizerRetriesAFailedFetchAtMostOncePerInterval(t *testing.T) {
	is := newTestIssuer(t)
	var hits atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	clk := &clock{now: time.Now()}
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience},
		JWKSURL: failing.URL, Now: clk.Now})
	token := is.token(t, "u1", nil, clk.Now())

	// While the issuer fails, requests are refused without asking it again
	// each time (and without queueing behind each other's fetches).
	for i := range 5 {
		if _, err := a.Verify(context.Background(), token); err == nil || !strings.Contains(err.Error(), "fetch the issuer's keys") {
			t.Fatalf("Verify #%d = %v, want a fetch error", i+1, err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("failing JWKS fetched %d times for 5 tokens within the refresh interval, want 1", n)
	}
	clk.advance(gateway.DefaultRefreshInterval)
	a.Verify(context.Background(), token)
	if n := hits.Load(); n != 2 {
		t.Errorf("failing JWKS fetched %d times after the refresh interval, want 2", n)
	}
}

func TestJWTAuthorizerFetchOutlivesTheRequestThatCausedIt(t *testing.T) {
	is := newTestIssuer(t)
	clk := &clock{now: time.Now()}
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}, Now: clk.Now})
	if _, err := a.Verify(context.Background(), is.token(t, "u1", nil, clk.Now())); err != nil {
		t.Fatal(err)
	}

	// The issuer rotates its key; the first request with the new key comes
	// from a client that has already gone away.
	rotKey, rotKid := newKey(t)
	is.publish(rotKey)
	rotated := sign(t, jwt.SigningMethodRS256, rotKey, rotKid, is.claims("u1", clk.Now(), nil))
	clk.advance(gateway.DefaultRefreshInterval)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	a.Verify(gone, rotated)

	// The shared fetch it started must not fail for everyone else for a
	// whole refresh interval.
	if _, err := a.Verify(context.Background(), rotated); err != nil {
		t.Errorf("Verify with the rotated key after a cancelled request = %v, want success", err)
	}
}

func TestJWTAuthorizerAudiences(t *testing.T) {
	is := newTestIssuer(t)
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{"other", testAudience}})
	now := time.Now()
	tests := []struct {
		name  string
		extra jwt.MapClaims
		ok    bool
	}{
		{"aud string", nil, true},
		{"aud array with one accepted", jwt.MapClaims{"aud": []string{"x", testAudience}}, true},
		{"aud array with none accepted", jwt.MapClaims{"aud": []string{"x", "y"}}, false},
		{"client_id without aud", jwt.MapClaims{"aud": nil, "client_id": "other"}, true},
		{"client_id ignored with aud", jwt.MapClaims{"aud": "x", "client_id": testAudience}, false},
		{"neither", jwt.MapClaims{"aud": nil}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, is.key, is.kid, is.claims("u1", now, tt.extra)))
			if (err == nil) != tt.ok {
				t.Errorf("Verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// The RSA algorithms, as API Gateway accepts them; a key published with an
// "alg" verifies that algorithm only.
func TestJWTAuthorizerAlgorithms(t *testing.T) {
	is := newTestIssuer(t)
	anyAlg, anyKid := newKey(t)
	is.publishJWK(publicJWK(anyAlg, anyKid, "")) // no "alg": any RSA algorithm
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}})
	now := time.Now()
	tests := []struct {
		method jwt.SigningMethod
		key    any
		kid    string
		ok     bool
	}{
		{jwt.SigningMethodRS256, is.key, is.kid, true},
		{jwt.SigningMethodRS384, is.key, is.kid, false}, // the key is published for RS256
		{jwt.SigningMethodRS256, anyAlg, anyKid, true},
		{jwt.SigningMethodRS384, anyAlg, anyKid, true},
		{jwt.SigningMethodRS512, anyAlg, anyKid, true},
		{jwt.SigningMethodPS256, anyAlg, anyKid, false},
		{jwt.SigningMethodPS512, anyAlg, anyKid, false},
	}
	for _, tt := range tests {
		t.Run(tt.method.Alg()+" "+tt.kid[:6], func(t *testing.T) {
			_, err := a.Verify(context.Background(), sign(t, tt.method, tt.key, tt.kid, is.claims("u1", now, nil)))
			if (err == nil) != tt.ok {
				t.Errorf("Verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestJWTAuthorizerJWKSURL(t *testing.T) {
	is := newTestIssuer(t)
	a := newAuthorizer(t, gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}, JWKSURL: is.url + "/keys"})
	if _, err := a.Verify(context.Background(), is.token(t, "u1", nil, time.Now())); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if d := is.discHits.Load(); d != 0 {
		t.Errorf("discovery fetched %d times with a JWKS URL, want 0", d)
	}
}

func TestJWTAuthorizerIssuerProblems(t *testing.T) {
	is := newTestIssuer(t)
	token := is.token(t, "u1", nil, time.Now())

	// The discovery document names another issuer.
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"issuer":"https://evil.example","jwks_uri":"` + is.url + `/keys"}`))
	}))
	defer liar.Close()
	// An issuer that is down.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	for name, tt := range map[string]struct {
		cfg  gateway.JWTConfig
		want string
	}{
		"discovery names another issuer": {gateway.JWTConfig{Issuer: liar.URL, Audience: []string{testAudience}}, "evil.example"},
		"issuer unreachable":             {gateway.JWTConfig{Issuer: down.URL, Audience: []string{testAudience}}, "fetch the issuer's keys"},
		"JWKS not found":                 {gateway.JWTConfig{Issuer: is.url, Audience: []string{testAudience}, JWKSURL: is.url + "/nothing"}, "404"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAuthorizer(t, tt.cfg)
			_, err := a.Verify(context.Background(), token)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestNewJWTAuthorizerErrors(t *testing.T) {
	for name, cfg := range map[string]gateway.JWTConfig{
		"no issuer":   {Audience: []string{"a"}},
		"no audience": {Issuer: "http://127.0.0.1"},
	} {
		if _, err := gateway.NewJWTAuthorizer(cfg); err == nil {
			t.Errorf("%s: NewJWTAuthorizer succeeded, want an error", name)
		}
	}
}
