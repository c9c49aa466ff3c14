package gateway

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// Algorithms are the JWS algorithms the authorizer accepts: the RSA
// algorithms (RSASSA-PKCS1-v1_5) of RFC 7518 §3.3. API Gateway's HTTP API
// JWT authorizer supports "only RSA-based algorithms"; accounts signs with
// RS256. "none", HMAC (including an HMAC keyed with the public key), ECDSA,
// EdDSA and RSA-PSS are refused.
var Algorithms = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodRS384.Alg(), jwt.SigningMethodRS512.Alg()}

// DiscoveryPath is where an issuer serves its OpenID discovery document,
// relative to the issuer URL.
const DiscoveryPath = "/.well-known/openid-configuration"

// The defaults of JWTConfig.
const (
	// DefaultKeysTTL is how long fetched keys are used before they are
	// fetched again: API Gateway caches an issuer's keys for up to two hours.
	DefaultKeysTTL = 2 * time.Hour
	// DefaultRefreshInterval is the shortest interval between two fetches
	// caused by tokens naming an unknown key, or after a failed fetch, so
	// that neither forged tokens nor an issuer that is down make the gateway
	// hammer the issuer.
	DefaultRefreshInterval = 10 * time.Second
	// fetchTimeout bounds each fetch of the discovery document or the keys.
	fetchTimeout = 5 * time.Second
	// maxDocumentBytes bounds the documents read from the issuer.
	maxDocumentBytes = 1 << 20
)

// JWTConfig configures a JWTAuthorizer the way an API Gateway HTTP API's
// JWT authorizer is configured: an issuer and the audiences it accepts.
type JWTConfig struct {
	// Issuer must equal the tokens' "iss". Unless JWKSURL is set, the keys
	// are found through the issuer's discovery document at
	// Issuer + DiscoveryPath, as API Gateway finds them.
	Issuer string
	// Audience lists the accepted audiences: a token's "aud" (or, when it
	// has none, its "client_id") must hold one of them.
	Audience []string
	// JWKSURL, if set, is the JWKS to use without discovery.
	JWKSURL string
	// Client fetches the documents. Nil means a client with a 5 s timeout.
	Client *http.Client
	// KeysTTL is how long fetched keys are trusted; 0 means DefaultKeysTTL.
	KeysTTL time.Duration
	// RefreshInterval is the shortest interval between fetches caused by
	// unknown key ids or a failed fetch; 0 means DefaultRefreshInterval.
	RefreshInterval time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// JWTAuthorizer verifies bearer tokens against an issuer's published keys,
// as API Gateway's HTTP API JWT authorizer does: one of Algorithms, the RSA
// key named by the token's "kid" (required) from the issuer's JWKS
// (fetched and cached, fetched again for an unknown kid or after a failed
// fetch at most once per RefreshInterval), the signature, and the claims
// iss (equal to the issuer), aud (or, without aud, client_id: one of the
// audiences), exp (required, in the future), nbf and iat (when present,
// not in the future), without leeway. It is a Verifier.
//
// The JWKS is read with go-jose: keys that are not RSA signing keys are
// ignored, and a key whose "alg" names an algorithm verifies only tokens of
// that algorithm.
type JWTAuthorizer struct {
	cfg    JWTConfig
	parser *jwt.Parser

	fetchMu sync.Mutex // serializes fetches

	mu          sync.Mutex
	keys        map[string]jose.JSONWebKey // RSA signing keys, by kid
	fetchedAt   time.Time                  // of keys; zero before the first success
	lastAttempt time.Time                  // of the last fetch, successful or not
	lastErr     error                      // of the last fetch; nil if it succeeded
}

// NewJWTAuthorizer returns an authorizer for cfg. It fetches nothing until
// the first token arrives, so it can be built before the issuer serves.
func NewJWTAuthorizer(cfg JWTConfig) (*JWTAuthorizer, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("gateway: JWT authorizer: no issuer")
	}
	if len(cfg.Audience) == 0 {
		return nil, errors.New("gateway: JWT authorizer: no audience")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: fetchTimeout}
	}
	if cfg.KeysTTL == 0 {
		cfg.KeysTTL = DefaultKeysTTL
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &JWTAuthorizer{
		cfg: cfg,
		parser: jwt.NewParser(
			jwt.WithValidMethods(Algorithms),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(cfg.Now),
		),
	}, nil
}

// Verify checks token and returns its claims. It implements Verifier.
func (a *JWTAuthorizer) Verify(ctx context.Context, token string) (map[string]any, error) {
	claims := jwt.MapClaims{}
	_, err := a.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("no kid in the token header")
		}
		k, err := a.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if k.Algorithm != "" && k.Algorithm != t.Method.Alg() {
			return nil, fmt.Errorf("key %q is for %s, the token is %s", kid, k.Algorithm, t.Method.Alg())
		}
		return k.Key.(*rsa.PublicKey), nil
	})
	if err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	if err := a.checkAudience(claims); err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	return claims, nil
}

// checkAudience accepts a token whose "aud" holds an accepted audience or,
// when it has no "aud", whose "client_id" is one, as API Gateway does.
func (a *JWTAuthorizer) checkAudience(claims jwt.MapClaims) error {
	aud, err := claims.GetAudience()
	if err != nil {
		return err
	}
	if len(aud) == 0 {
		if id, ok := claims["client_id"].(string); ok && slices.Contains(a.cfg.Audience, id) {
			return nil
		}
		return errors.New("no accepted aud or client_id")
	}
	for _, x := range aud {
		if slices.Contains(a.cfg.Audience, x) {
			return nil
		}
	}
	return fmt.Errorf("audience %q is not accepted", []string(aud))
}

// key returns the public key with id kid, fetching the keys when there are
// none yet, when they are older than KeysTTL, or when kid is unknown — but
// never within RefreshInterval of the last fetch, failed or not, so that
// neither forged kids nor an issuer that is down make every request wait
// for a fetch of its own.
func (a *JWTAuthorizer) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	if k, fetch, err := a.cached(kid); !fetch {
		return k, err
	}

	a.fetchMu.Lock()
	defer a.fetchMu.Unlock()
	// Another request may have fetched while this one waited.
	if k, fetch, err := a.cached(kid); !fetch {
		return k, err
	}
	// The keys are shared: the fetch must not fail because the client that
	// happened to cause it went away. fetch bounds it with its own timeout.
	keys, err := a.fetch(context.WithoutCancel(ctx))
	now := a.cfg.Now()
	a.mu.Lock()
	a.lastAttempt, a.lastErr = now, err
	if err == nil {
		a.keys, a.fetchedAt = keys, now
	}
	a.mu.Unlock()
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("fetch the issuer's keys: %w", err)
	}
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("unknown key id %q", kid)
}

// cached returns the cached key kid, or why there is none, unless the keys
// should be fetched first, which it reports as true.
func (a *JWTAuthorizer) cached(kid string) (jose.JSONWebKey, bool, error) {
	now := a.cfg.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	fresh := !a.fetchedAt.IsZero() && now.Sub(a.fetchedAt) < a.cfg.KeysTTL
	recent := !a.lastAttempt.IsZero() && now.Sub(a.lastAttempt) < a.cfg.RefreshInterval
	k, known := a.keys[kid]
	switch {
	case fresh && known:
		return k, false, nil
	case fresh && recent:
		return jose.JSONWebKey{}, false, fmt.Errorf("unknown key id %q", kid)
	case !fresh && recent && a.lastErr != nil:
		return jose.JSONWebKey{}, false, fmt.Errorf("fetch the issuer's keys (not retried for %s): %w", a.cfg.RefreshInterval, a.lastErr)
	}
	return jose.JSONWebKey{}, true, nil
}

// fetch reads the JWKS, found through discovery unless JWKSURL is set, and
// returns its RSA signing keys by kid.
func (a *JWTAuthorizer) fetch(ctx context.Context) (map[string]jose.JSONWebKey, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	jwksURL := a.cfg.JWKSURL
	if jwksURL == "" {
		var discovery struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		url := strings.TrimSuffix(a.cfg.Issuer, "/") + DiscoveryPath
		if err := a.get(ctx, url, &discovery); err != nil {
			return nil, err
		}
		if discovery.Issuer != a.cfg.Issuer {
			return nil, fmt.Errorf("%s: issuer %q, want %q", url, discovery.Issuer, a.cfg.Issuer)
		}
		if discovery.JWKSURI == "" {
			return nil, fmt.Errorf("%s: no jwks_uri", url)
		}
		jwksURL = discovery.JWKSURI
	}

	// Each key on its own: a key go-jose cannot read (another kty, a
	// curve it does not know) is skipped, not a reason to trust none.
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := a.get(ctx, jwksURL, &set); err != nil {
		return nil, err
	}
	keys := make(map[string]jose.JSONWebKey)
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			continue
		}
		if _, ok := k.Key.(*rsa.PublicKey); !ok || k.KeyID == "" || (k.Use != "" && k.Use != "sig") ||
			(k.Algorithm != "" && !slices.Contains(Algorithms, k.Algorithm)) {
			continue // not a key this authorizer verifies with (private keys are not *rsa.PublicKey)
		}
		keys[k.KeyID] = k
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no RSA signing key", jwksURL)
	}
	return keys, nil
}

// get fetches a JSON document into v.
func (a *JWTAuthorizer) get(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocumentBytes)).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
