package token

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The key sources below implement accounts.KeySource: they supply the
// signing keys, the current key first, then the previous keys that still
// verify. In AWS the keys come from Secrets Manager as PEM (see ParsePEM)
// through accounts.KeysFromSecret.

// PEM is a key source holding PKCS #8 "PRIVATE KEY" PEM blocks, current key
// first, as a secret or an environment variable carries them.
type PEM []byte

// SigningKeys returns the keys, current first.
func (p PEM) SigningKeys(context.Context) ([]ed25519.PrivateKey, error) { return ParsePEM(p) }

// ParsePEM reads every PKCS #8 Ed25519 private key in data, in order.
func ParsePEM(data []byte) ([]ed25519.PrivateKey, error) {
	var keys []ed25519.PrivateKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("token: PEM block %q, want PRIVATE KEY (PKCS #8)", block.Type)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("token: %w", err)
		}
		ed, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("token: key of type %T, want Ed25519", k)
		}
		keys = append(keys, ed)
	}
	if len(keys) == 0 {
		return nil, errors.New("token: no PEM private key found")
	}
	return keys, nil
}

// EncodePEM returns key as a PKCS #8 "PRIVATE KEY" PEM block.
func EncodePEM(key ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// FileName is the name of the key file a Dir keeps.
const FileName = "accounts-signing-key.pem"

// Dir is the local key source: the key in FileName under the directory Dir
// (e.g. .data), generated on first use and written with mode 0600, so that
// tokens survive restarts of the local stack. Processes racing to create it
// all end up with the same key.
type Dir string

// SigningKeys returns the keys, current first.
func (d Dir) SigningKeys(ctx context.Context) ([]ed25519.PrivateKey, error) {
	path := filepath.Join(string(d), FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.generate(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return ParsePEM(data)
}

// generate writes a new key to a temporary file and links it into place,
// which fails harmlessly when another process got there first.
func (d Dir) generate(path string) error {
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	data, err := EncodePEM(key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(string(d), ".signing-key-*")
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("token: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("token: %w", err)
	}
	return nil
}
