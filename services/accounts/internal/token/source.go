package token

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// The key sources below implement accounts.KeySource: they supply the
// signing keys, the current key first, then the previous keys that still
// verify. In AWS the keys come from Secrets Manager as PEM (see ParsePEM)
// through accounts.KeysFromSecret.

// PEM is a key source holding RSA private keys as PEM blocks, current key
// first, as a secret or an environment variable carries them.
type PEM []byte

// SigningKeys returns the keys, current first.
func (p PEM) SigningKeys(context.Context) ([]*rsa.PrivateKey, error) { return ParsePEM(p) }

// ParsePEM reads every RSA private key in data, in order: PKCS #8
// "PRIVATE KEY" blocks (what `openssl genpkey -algorithm RSA` writes) or
// PKCS #1 "RSA PRIVATE KEY" blocks. A key of another type, such as an
// Ed25519 key of the EdDSA tokens accounts issued before, or an RSA key
// shorter than MinKeyBits, is an error wrapping ErrKeyType that says which
// block it is.
func ParsePEM(data []byte) ([]*rsa.PrivateKey, error) {
	var keys []*rsa.PrivateKey
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var key any
		var err error
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		default:
			return nil, fmt.Errorf("token: PEM block %d is %q, want PRIVATE KEY (PKCS #8) or RSA PRIVATE KEY", n, block.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("token: PEM block %d: %w", n, err)
		}
		switch k := key.(type) {
		case *rsa.PrivateKey:
			if bits := k.N.BitLen(); bits < MinKeyBits {
				return nil, fmt.Errorf("PEM block %d: %w; it has %d", n, ErrKeyType, bits)
			}
			keys = append(keys, k)
		case ed25519.PrivateKey:
			return nil, fmt.Errorf("PEM block %d is an Ed25519 key, from before access tokens were RS256 "+
				"(API Gateway's JWT authorizer verifies RSA signatures only): %w; "+
				"generate one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`", n, ErrKeyType)
		default:
			return nil, fmt.Errorf("PEM block %d holds a %T: %w", n, k, ErrKeyType)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("token: no PEM private key found")
	}
	return keys, nil
}

// EncodePEM returns key as a PKCS #8 "PRIVATE KEY" PEM block.
func EncodePEM(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// FileName is the name of the key file a Dir keeps.
const FileName = "accounts-signing-key.pem"

// StaleFileName is where Dir moves a key file it cannot sign with (the
// Ed25519 key an earlier `make dev` generated) before it writes a new key.
const StaleFileName = "accounts-signing-key.stale.pem"

// Dir is the local key source: the RSA key in FileName under the directory
// Dir (e.g. .data), generated on first use and written with mode 0600, so
// that tokens survive restarts of the local stack. Processes racing to
// create it all end up with the same key. A key file Dir cannot sign with
// (the Ed25519 key of an earlier make dev, when tokens were EdDSA) is moved
// to StaleFileName and replaced by a new key, once, under a lock; the
// tokens it signed stop verifying, which for 15-minute local tokens means
// signing in again.
type Dir string

// SigningKeys returns the keys, current first.
func (d Dir) SigningKeys(ctx context.Context) ([]*rsa.PrivateKey, error) {
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
	keys, err := ParsePEM(data)
	if errors.Is(err, ErrKeyType) {
		return d.replaceStale(path)
	}
	return keys, err
}

// generate writes a new key to a temporary file and links it into place,
// which fails harmlessly when another process got there first.
func (d Dir) generate(path string) error {
	tmp, err := d.writeTemp()
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("token: %w", err)
	}
	return nil
}

// replaceStale moves a key file that holds a key of another type aside and
// writes a new key in its place. It holds an exclusive lock on the
// directory's lock file meanwhile and reads the file again under it, so
// that of processes starting together only the first replaces the key and
// all of them use the new one.
func (d Dir) replaceStale(path string) ([]*rsa.PrivateKey, error) {
	lock, err := os.OpenFile(filepath.Join(string(d), ".signing-key.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	defer lock.Close() // which releases the lock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("token: lock %s: %w", lock.Name(), err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if keys, err := ParsePEM(data); !errors.Is(err, ErrKeyType) {
		return keys, err // another process replaced it, or it is unreadable for another reason
	}
	tmp, err := d.writeTemp()
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Rename(path, filepath.Join(string(d), StaleFileName)); err != nil {
		return nil, fmt.Errorf("token: move the stale signing key aside: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return ParsePEM(data)
}

// writeTemp writes a new key to a temporary file of mode 0600 in d and
// returns its name.
func (d Dir) writeTemp() (string, error) {
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	key, err := GenerateKey()
	if err != nil {
		return "", err
	}
	data, err := EncodePEM(key)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(string(d), ".signing-key-*")
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("token: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("token: %w", err)
	}
	return tmp.Name(), nil
}
