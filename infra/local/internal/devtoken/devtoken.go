// Package devtoken mints and verifies the bearer tokens of the local system
// until the accounts context issues real ones.
//
// Tokens are JWTs signed with a local Ed25519 key (alg EdDSA), like the ones
// accounts will issue, so the gateway's JWT authorizer and every context see
// the same claims locally as in AWS. The key is generated once and kept in the
// data directory; it is a development key and protects nothing of value.
package devtoken

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The fixed claims of every token, and its lifetime.
const (
	Issuer   = "quartet-local"
	Audience = "quartet"
	TTL      = time.Hour
)

// KeyFile is the name of the signing key's file in the data directory.
const KeyFile = "dev-signing-key.pem"

// Authority mints tokens with one Ed25519 key and verifies them.
type Authority struct {
	key ed25519.PrivateKey
	kid string
}

// New returns an Authority that signs with key. The key id in the tokens'
// "kid" header is the key's RFC 7638 JWK thumbprint, so it is stable and can
// be published in a JWKS later.
func New(key ed25519.PrivateKey) *Authority {
	return &Authority{key: key, kid: thumbprint(key.Public().(ed25519.PublicKey))}
}

// Open returns an Authority with the key stored in dataDir/KeyFile, which it
// generates (mode 0600) on first use.
func Open(dataDir string) (*Authority, error) {
	key, err := loadOrCreateKey(filepath.Join(dataDir, KeyFile))
	if err != nil {
		return nil, fmt.Errorf("devtoken: %w", err)
	}
	return New(key), nil
}

// KeyID returns the "kid" header of the tokens a mints.
func (a *Authority) KeyID() string { return a.kid }

// Mint returns a token for subject sub with the given roles, issued at now
// and valid for TTL.
func (a *Authority) Mint(sub string, roles []string, now time.Time) (string, error) {
	if sub == "" {
		return "", errors.New("devtoken: empty subject")
	}
	if roles == nil {
		roles = []string{} // a JSON array, never null
	}
	token := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss":   Issuer,
		"aud":   Audience,
		"sub":   sub,
		"roles": roles,
		"iat":   now.Unix(),
		"exp":   now.Add(TTL).Unix(),
		"jti":   rand.Text(),
	})
	token.Header["kid"] = a.kid
	signed, err := token.SignedString(a.key)
	if err != nil {
		return "", fmt.Errorf("devtoken: sign: %w", err)
	}
	return signed, nil
}

// Verify checks a token's signature with a's key, accepting only alg EdDSA
// (never "none" or an HMAC algorithm), and its issuer, audience and expiry,
// and returns its claims. It implements the gateway's Verifier.
func (a *Authority) Verify(_ context.Context, token string) (map[string]any, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, a.keyFor,
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	if err != nil {
		return nil, fmt.Errorf("devtoken: %w", err)
	}
	return claims, nil
}

// keyFor returns the key that verifies token: a's public key, if the token
// names it.
func (a *Authority) keyFor(token *jwt.Token) (any, error) {
	if kid, _ := token.Header["kid"].(string); kid != a.kid {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	return a.key.Public(), nil
}

// thumbprint returns the RFC 7638 JWK thumbprint of an Ed25519 public key.
func thumbprint(pub ed25519.PublicKey) string {
	jwk := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(jwk))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// loadOrCreateKey reads the PEM-encoded PKCS #8 Ed25519 key at path, or
// generates one and writes it there, readable by the owner only.
func loadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	key, err := loadKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	_, key, err = ed25519.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// O_EXCL: if another process created the key meanwhile, use that one.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadKey(path)
	}
	if err != nil {
		return nil, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return key, nil
}

func loadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: no PEM private key (delete the file to generate a new key)", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: %T is not an Ed25519 key", path, parsed)
	}
	return key, nil
}
