// Package token issues the access tokens every context trusts, and
// publishes the keys that verify them.
//
// Tokens are JWTs (RFC 7519) signed with Ed25519 (JWS "alg": "EdDSA",
// RFC 8037):
//
//	header  {"alg":"EdDSA","typ":"JWT","kid":"<RFC 7638 thumbprint>"}
//	claims  {"iss","aud","sub","iat","exp","jti","roles":["customer"]}
//
// The key id is the JWK thumbprint of the public key, so it needs no
// bookkeeping. A KeySet signs with its current key and publishes the
// current and previous keys in its JWKS, so keys rotate without
// invalidating tokens issued just before: publish the new key as current,
// keep the old one as previous for at least one token lifetime.
package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TTL is the lifetime of an access token.
const TTL = 15 * time.Minute

// Alg is the JWS algorithm of every token.
const Alg = "EdDSA"

var b64 = base64.RawURLEncoding

// ErrInvalid reports a token that does not verify: malformed, signed with
// another algorithm or an unknown key, with a bad signature, from another
// issuer or for another audience, or expired.
var ErrInvalid = errors.New("invalid token")

// Key is an Ed25519 signing key with its key id.
type Key struct {
	ID      string
	Private ed25519.PrivateKey
}

// NewKey returns the Key of private, with its RFC 7638 thumbprint as ID.
func NewKey(private ed25519.PrivateKey) Key {
	return Key{ID: Thumbprint(private.Public().(ed25519.PublicKey)), Private: private}
}

// Thumbprint returns the RFC 7638 JWK thumbprint of an Ed25519 public key:
// the base64url SHA-256 of its canonical JWK.
func Thumbprint(pub ed25519.PublicKey) string {
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + b64.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return b64.EncodeToString(sum[:])
}

// KeySet is the current signing key and the previous keys that still
// verify.
type KeySet struct {
	Current  Key
	Previous []Key
}

// NewKeySet returns the key set whose first key signs and whose other keys
// only verify. It needs at least one key.
func NewKeySet(keys ...ed25519.PrivateKey) (KeySet, error) {
	if len(keys) == 0 {
		return KeySet{}, errors.New("token: a key set needs at least one key")
	}
	ks := KeySet{Current: NewKey(keys[0])}
	for _, k := range keys[1:] {
		ks.Previous = append(ks.Previous, NewKey(k))
	}
	return ks, nil
}

func (ks KeySet) keys() []Key { return append([]Key{ks.Current}, ks.Previous...) }

// JWK is a public key as published in a JWKS (RFC 7517, RFC 8037).
type JWK struct {
	Kty string `json:"kty"` // "OKP"
	Crv string `json:"crv"` // "Ed25519"
	X   string `json:"x"`   // the public key, base64url
	Kid string `json:"kid"`
	Alg string `json:"alg"` // "EdDSA"
	Use string `json:"use"` // "sig"
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWKS returns the public keys of ks, current first.
func (ks KeySet) JWKS() JWKS {
	set := JWKS{Keys: []JWK{}}
	for _, k := range ks.keys() {
		set.Keys = append(set.Keys, JWK{
			Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k.Private.Public().(ed25519.PublicKey)),
			Kid: k.ID, Alg: Alg, Use: "sig",
		})
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

type header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Kid string `json:"kid"`
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
	signed, err := sign(is.Keys.Current, claims)
	if err != nil {
		return Issued{}, err
	}
	return Issued{Token: signed, ExpiresIn: TTL}, nil
}

func sign(k Key, claims Claims) (string, error) {
	h, err := json.Marshal(header{Alg: Alg, Typ: "JWT", Kid: k.ID})
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signingInput := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	sig := ed25519.Sign(k.Private, []byte(signingInput))
	return signingInput + "." + b64.EncodeToString(sig), nil
}

// Verify checks token as a relying party does: EdDSA only, a key of the
// set by kid, the signature, the issuer, the audience and the expiry. It
// returns the claims, or an error matching ErrInvalid.
func (is Issuer) Verify(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("%w: not a compact JWS", ErrInvalid)
	}
	var h header
	if err := decodePart(parts[0], &h); err != nil {
		return Claims{}, err
	}
	if h.Alg != Alg {
		return Claims{}, fmt.Errorf("%w: algorithm %q", ErrInvalid, h.Alg)
	}
	i := slices.IndexFunc(is.Keys.keys(), func(k Key) bool { return k.ID == h.Kid })
	if i < 0 {
		return Claims{}, fmt.Errorf("%w: unknown key %q", ErrInvalid, h.Kid)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: signature encoding", ErrInvalid)
	}
	pub := is.Keys.keys()[i].Private.Public().(ed25519.PublicKey)
	if !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return Claims{}, fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	var c Claims
	if err := decodePart(parts[1], &c); err != nil {
		return Claims{}, err
	}
	switch {
	case c.Issuer != is.Issuer:
		return Claims{}, fmt.Errorf("%w: issuer %q", ErrInvalid, c.Issuer)
	case c.Audience != is.Audience:
		return Claims{}, fmt.Errorf("%w: audience %q", ErrInvalid, c.Audience)
	case is.now().Unix() >= c.ExpiresAt:
		return Claims{}, fmt.Errorf("%w: expired", ErrInvalid)
	}
	return c, nil
}

func decodePart(part string, v any) error {
	data, err := b64.DecodeString(part)
	if err != nil {
		return fmt.Errorf("%w: encoding", ErrInvalid)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
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
