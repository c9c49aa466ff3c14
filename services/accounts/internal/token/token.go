// Package token issues the access tokens every context trusts, and
// publishes the keys that verify them.
//
// Tokens are JWTs (RFC 7519) signed with RSASSA-PKCS1-v1_5 SHA-256 (JWS
// "alg": "RS256", RFC 7518 §3.3), the algorithm API Gateway's HTTP API JWT
// authorizer accepts (it takes RSA-based algorithms only):
//
//	header  {"alg":"RS256","typ":"JWT","kid":"<RFC 7638 thumbprint>"}
//	claims  {"iss","aud","sub","iat","exp","jti","roles":["customer"]}
//
// Signing and verifying are github.com/golang-jwt/jwt/v5's; the JWKS and
// the thumbprints are github.com/go-jose/go-jose/v4's. The key id is the JWK
// thumbprint of the public key, so it needs no bookkeeping. A KeySet signs
// with its current key and publishes the current and previous keys in its
// JWKS, so keys rotate without invalidating tokens issued just before:
// publish the new key as current, keep the old one as previous for at least
// one token lifetime.
package token

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// TTL is the lifetime of an access token.
const TTL = 15 * time.Minute

// Alg is the JWS algorithm of every token.
const Alg = "RS256"

// MinKeyBits is the smallest RSA modulus a signing key may have (RFC 7518
// §3.3 asks for 2048 bits or more).
const MinKeyBits = 2048

var b64 = base64.RawURLEncoding

// ErrInvalid reports a token that does not verify: malformed, signed with
// another algorithm or an unknown key, with a bad signature, from another
// issuer or for another audience, or expired.
var ErrInvalid = errors.New("invalid token")

// ErrKeyType reports a signing key that is not an RSA key of at least
// MinKeyBits bits, such as the Ed25519 keys accounts signed with before it
// switched to RS256.
var ErrKeyType = errors.New("token: signing keys must be RSA keys of at least 2048 bits")

// Key is an RSA signing key with its key id.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
}

// NewKey returns the Key of private, with its RFC 7638 thumbprint as ID.
// It returns an error wrapping ErrKeyType for a key shorter than
// MinKeyBits.
func NewKey(private *rsa.PrivateKey) (Key, error) {
	if private == nil {
		return Key{}, fmt.Errorf("%w: no key", ErrKeyType)
	}
	if bits := private.N.BitLen(); bits < MinKeyBits {
		return Key{}, fmt.Errorf("%w: this one has %d", ErrKeyType, bits)
	}
	id, err := Thumbprint(&private.PublicKey)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: id, Private: private}, nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint of an RSA public key: the
// base64url SHA-256 of its canonical JWK {"e","kty","n"}.
func Thumbprint(pub *rsa.PublicKey) (string, error) {
	sum, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("token: thumbprint: %w", err)
	}
	return b64.EncodeToString(sum), nil
}

// GenerateKey returns a new RSA signing key of MinKeyBits bits.
func GenerateKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, MinKeyBits)
	if err != nil {
		return nil, fmt.Errorf("token: generate an RSA key: %w", err)
	}
	return k, nil
}

// KeySet is the current signing key and the previous keys that still
// verify.
type KeySet struct {
	Current  Key
	Previous []Key
}

// NewKeySet returns the key set whose first key signs and whose other keys
// only verify. It needs at least one key, each valid for NewKey.
func NewKeySet(keys ...*rsa.PrivateKey) (KeySet, error) {
	if len(keys) == 0 {
		return KeySet{}, errors.New("token: a key set needs at least one key")
	}
	var ks KeySet
	for i, private := range keys {
		k, err := NewKey(private)
		if err != nil {
			return KeySet{}, fmt.Errorf("key %d: %w", i+1, err)
		}
		if i == 0 {
			ks.Current = k
		} else {
			ks.Previous = append(ks.Previous, k)
		}
	}
	return ks, nil
}

func (ks KeySet) keys() []Key { return append([]Key{ks.Current}, ks.Previous...) }

// JWKS returns the public keys of ks, current first, as a JSON Web Key Set
// (RFC 7517): {"keys":[{"kty":"RSA","n","e","kid","alg":"RS256","use":"sig"}]}.
func (ks KeySet) JWKS() jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range ks.keys() {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.Private.PublicKey, KeyID: k.ID, Algorithm: Alg, Use: "sig"})
	}
	return set
}

// Claims are the claims of an access token.
type Claims struct {
	Issuer    string   `json:"iss"`
	Audience  string   `json:"aud"`
	Subject   string   `json:"sub"`
	IssuedAt  int64    `json:"iat"`
	ExpiresAt int64    `json:"exp"`
	ID        string   `json:"jti"`
	Roles     []string `json:"roles"`
}

// Claims implements jwt.Claims, so the parser validates them.
var _ jwt.Claims = Claims{}

// GetExpirationTime implements jwt.Claims.
func (c Claims) GetExpirationTime() (*jwt.NumericDate, error) { return numericDate(c.ExpiresAt), nil }

// GetIssuedAt implements jwt.Claims.
func (c Claims) GetIssuedAt() (*jwt.NumericDate, error) { return numericDate(c.IssuedAt), nil }

// GetNotBefore implements jwt.Claims: access tokens carry no "nbf".
func (c Claims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (c Claims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c Claims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c Claims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, nil
	}
	return jwt.ClaimStrings{c.Audience}, nil
}

func numericDate(unix int64) *jwt.NumericDate {
	if unix == 0 {
		return nil
	}
	return jwt.NewNumericDate(time.Unix(unix, 0))
}

// Issuer issues and verifies access tokens.
type Issuer struct {
	Issuer   string // the "iss" claim: the URL whose /.well-known/ documents describe the keys
	Audience string // the "aud" claim: what API Gateway's authorizer expects
	Keys     KeySet
	Now      func() time.Time // time.Now when nil
}

func (is Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

// Issued is a signed access token.
type Issued struct {
	Token     string
	ExpiresIn time.Duration
}

// Issue signs an access token for subject with roles, valid for TTL.
func (is Issuer) Issue(subject string, roles []string) (Issued, error) {
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return Issued{}, fmt.Errorf("token: jti: %w", err)
	}
	now := is.now().Unix()
	claims := Claims{
		Issuer: is.Issuer, Audience: is.Audience, Subject: subject,
		IssuedAt: now, ExpiresAt: now + int64(TTL/time.Second),
		ID: b64.EncodeToString(jti[:]), Roles: slices.Clone(roles),
	}
	if claims.Roles == nil {
		claims.Roles = []string{}
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = is.Keys.Current.ID
	signed, err := t.SignedString(is.Keys.Current.Private)
	if err != nil {
		return Issued{}, fmt.Errorf("token: sign: %w", err)
	}
	return Issued{Token: signed, ExpiresIn: TTL}, nil
}

// Verify checks token as API Gateway's JWT authorizer does: RS256 only, a
// key of the set by kid, the signature, the issuer, the audience, an expiry
// in the future and an issue time not in the future. It returns the claims,
// or an error matching ErrInvalid.
func (is Issuer) Verify(token string) (Claims, error) {
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{Alg}),
		jwt.WithIssuer(is.Issuer),
		jwt.WithAudience(is.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(is.now),
	)
	var c Claims
	_, err := parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		i := slices.IndexFunc(is.Keys.keys(), func(k Key) bool { return k.ID == kid })
		if i < 0 {
			return nil, fmt.Errorf("unknown key %q", kid)
		}
		return &is.Keys.keys()[i].Private.PublicKey, nil
	})
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// Discovery is the OpenID Provider metadata (OpenID Connect Discovery 1.0
// §3) that API Gateway's JWT authorizer and the local gateway read to find
// the keys. Accounts issues access tokens only; the OpenID fields that are
// required are filled with what describes them.
type Discovery struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported                  []string `json:"claims_supported"`
}

// JWKSPath and DiscoveryPath are where the documents are served, relative
// to the issuer URL.
const (
	JWKSPath      = "/.well-known/jwks.json"
	DiscoveryPath = "/.well-known/openid-configuration"
)

// Discovery returns the discovery document of is.
func (is Issuer) Discovery() Discovery {
	return Discovery{
		Issuer:                           is.Issuer,
		JWKSURI:                          strings.TrimSuffix(is.Issuer, "/") + JWKSPath,
		ResponseTypesSupported:           []string{"token"},
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{Alg},
		ClaimsSupported:                  []string{"iss", "aud", "sub", "iat", "exp", "jti", "roles"},
	}
}
