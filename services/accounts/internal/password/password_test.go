package password_test

import (
	"errors"
	"strings"
	"testing"

	"example.com/quartet/services/accounts/internal/password"
)

var cheap = password.Hasher{Params: password.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}}

func TestHashVerify(t *testing.T) {
	h, err := cheap.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with the parameters", h)
	}
	if h2, _ := cheap.Hash("correct horse battery staple"); h2 == h {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "Correct horse battery staple": false, "": false} {
		// Another hasher's parameters do not matter: the hash carries its own.
		got, err := password.Hasher{Params: password.DefaultParams}.Verify(h, pw)
		if err != nil || got != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$!!$a2V5",
	} {
		if _, err := cheap.Verify(h, "x"); !errors.Is(err, password.ErrMalformedHash) {
			t.Errorf("Verify(%q): got %v, want ErrMalformedHash", h, err)
		}
	}
}

func TestCheck(t *testing.T) {
	for pw, ok := range map[string]bool{
		"correct horse battery staple": true,
		"short":                        false,
		"123456789":                    false,
		"1234567890":                   false, // long enough, but common
		"QwertyUiop":                   false, // common, in another case
		strings.Repeat("a", 129):       false,
		"zq9-Lm3_vR7!":                 true,
	} {
		if err := password.Check(pw); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}
