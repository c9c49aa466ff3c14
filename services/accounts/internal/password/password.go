// Package password hashes and checks customers' passwords.
//
// Hashes are argon2id (RFC 9106) in the PHC string format
//
//	$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>
//
// with the salt and key in unpadded standard base64. The string carries its
// parameters, so hashes made with older parameters still verify after the
// defaults change. Verification compares keys in constant time.
package password

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
	SaltLen uint32 // bytes of random salt
	KeyLen  uint32 // bytes of derived key
}

// DefaultParams follow RFC 9106 §4's second recommended option for
// memory-constrained environments: 3 passes over 64 MiB with 4 lanes, a
// 128-bit salt and a 256-bit key. On a Lambda function with 1 GB of
// memory one hash takes on the order of 100 ms, which bounds an attacker's
// guessing rate against a stolen table, and sign-in throttling bounds it
// online.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 4, SaltLen: 16, KeyLen: 32}

// Limits on parameters read from a stored hash, so that a corrupted or
// planted hash cannot make verification take unbounded memory or time.
const (
	maxMemory = 1 << 20 // KiB: 1 GiB
	maxTime   = 16
)

// ErrMalformedHash reports a stored hash that is not an argon2id PHC string
// this package can verify.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

// Hasher hashes and verifies passwords with argon2id.
type Hasher struct {
	Params Params
}

// Hash returns the PHC string of password with a fresh random salt.
func (h Hasher) Hash(password string) (string, error) {
	p := h.Params
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string encoded. It
// returns ErrMalformedHash when encoded cannot be parsed.
func (h Hasher) Verify(encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, ErrMalformedHash
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || p.Threads == 0 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// Policy limits.
const (
	MinLength = 10  // characters
	MaxLength = 128 // characters; longer input is refused, not truncated
)

//go:embed common.txt
var commonFile []byte

// common is the set of refused passwords, in lower case.
var common = func() map[string]struct{} {
	set := make(map[string]struct{})
	sc := bufio.NewScanner(bytes.NewReader(commonFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
}()

// Check returns an error saying why password may not be used, or nil: it
// must have MinLength to MaxLength characters and must not be one of the
// well-known passwords in common.txt (compared ignoring case).
func Check(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return errors.New("must be valid UTF-8")
	case n < MinLength:
		return fmt.Errorf("must have at least %d characters", MinLength)
	case n > MaxLength:
		return fmt.Errorf("must have at most %d characters", MaxLength)
	}
	if _, found := common[strings.ToLower(password)]; found {
		return errors.New("is too common: it appears in lists of leaked passwords")
	}
	return nil
}
