package accounts_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/memory"
	"example.com/quartet/services/accounts/internal/password"
)

// countingHasher counts verifications.
type countingHasher struct {
	password.Hasher
	verified atomic.Int32
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	h.verified.Add(1)
	return h.Hasher.Verify(encoded, pw)
}

func newService(t *testing.T) (*accounts.Service, *countingHasher, *memory.Store) {
	t.Helper()
	h := &countingHasher{Hasher: password.Hasher{Params: password.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}}}
	store := memory.NewStore()
	return accounts.NewService(store, h), h, store
}

const pw = "correct horse battery staple"

func TestSignInUnknownEmailHashesToo(t *testing.T) {
	svc, h, _ := newService(t)
	if _, err := svc.SignUp(t.Context(), accounts.NewCustomer{Email: "ann@example.com", DisplayName: "Ann", Password: pw}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"nobody@example.com", "ann@example.com"} {
		before := h.verified.Load()
		_, err := svc.SignIn(t.Context(), email, "wrong password!")
		if !errors.Is(err, accounts.ErrBadCredentials) {
			t.Errorf("SignIn(%s, wrong): got %v, want %v", email, err, accounts.ErrBadCredentials)
		}
		if n := h.verified.Load() - before; n != 1 {
			t.Errorf("SignIn(%s, wrong) verified %d hashes, want 1 whether or not the email exists", email, n)
		}
	}
}

func TestSignInResetsFailures(t *testing.T) {
	svc, _, store := newService(t)
	c, err := svc.SignUp(t.Context(), accounts.NewCustomer{Email: "ann@example.com", DisplayName: "Ann", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	for range accounts.MaxFailures - 1 {
		if _, err := svc.SignIn(t.Context(), "ann@example.com", "wrong password!"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("SignIn: %v", err)
		}
	}
	got, err := svc.SignIn(t.Context(), "ANN@example.com", pw)
	if err != nil || got.ID != c.ID {
		t.Fatalf("SignIn with the password: %v", err)
	}
	stored, _ := store.Customer(t.Context(), c.ID)
	if stored.Throttle != (accounts.Throttle{}) {
		t.Errorf("throttle after a success: %+v, want reset", stored.Throttle)
	}
}

func TestSignInLocked(t *testing.T) {
	svc, h, _ := newService(t)
	if _, err := svc.SignUp(t.Context(), accounts.NewCustomer{Email: "ann@example.com", DisplayName: "Ann", Password: pw}); err != nil {
		t.Fatal(err)
	}
	for range accounts.MaxFailures {
		_, _ = svc.SignIn(t.Context(), "ann@example.com", "wrong password!")
	}
	before := h.verified.Load()
	_, err := svc.SignIn(t.Context(), "ann@example.com", pw)
	var te *accounts.ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, accounts.ErrThrottled) || te.Wait <= 0 || te.Wait > accounts.LockBase {
		t.Fatalf("SignIn of a locked account: got %v, want a ThrottledError within %v", err, accounts.LockBase)
	}
	if h.verified.Load() != before {
		t.Errorf("a locked account's password was checked")
	}
}

func TestThrottleWindows(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var th accounts.Throttle
	for i := 1; i < accounts.MaxFailures; i++ {
		th.Fail(now)
		if _, locked := th.Locked(now); locked {
			t.Fatalf("locked after %d failures", i)
		}
	}
	for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute} {
		th.Fail(now)
		if wait, locked := th.Locked(now); !locked || wait != want {
			t.Errorf("after %d failures: locked %v for %v, want %v", th.Failures, locked, wait, want)
		}
	}
	for range 100 {
		th.Fail(now)
	}
	if wait, _ := th.Locked(now); wait != accounts.LockMax {
		t.Errorf("after %d failures: locked for %v, want the maximum %v", th.Failures, wait, accounts.LockMax)
	}
	if _, locked := th.Locked(now.Add(accounts.LockMax)); locked {
		t.Errorf("still locked when the lock ends")
	}
}

func TestSignUpValidation(t *testing.T) {
	svc, _, _ := newService(t)
	_, err := svc.SignUp(t.Context(), accounts.NewCustomer{Email: "not-an-email", DisplayName: "", Password: "password"})
	var ve *accounts.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Fatalf("SignUp of all-invalid input: got %v, want errors for email, displayName and password", err)
	}
}

// hookHasher runs onVerify while it checks the password pw, as the slow
// argon2id verification of a concurrent request would overlap other work.
type hookHasher struct {
	password.Hasher
	pw       string
	onVerify func()
}

func (h *hookHasher) Verify(encoded, pw string) (bool, error) {
	if pw == h.pw && h.onVerify != nil {
		h.onVerify()
	}
	return h.Hasher.Verify(encoded, pw)
}

// TestSignInLockedWhileVerifying is a burst of concurrent guesses: the one
// with the right password read the account before any failure was
// recorded, and the others' failures lock the account while its password
// is being verified. It must be refused like any sign-in to a locked
// account, or a burst would get around the throttle.
func TestSignInLockedWhileVerifying(t *testing.T) {
	h := &hookHasher{Hasher: password.Hasher{Params: password.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}}, pw: pw}
	svc := accounts.NewService(memory.NewStore(), h)
	if _, err := svc.SignUp(t.Context(), accounts.NewCustomer{Email: "ann@example.com", DisplayName: "Ann", Password: pw}); err != nil {
		t.Fatal(err)
	}
	h.onVerify = func() {
		for range accounts.MaxFailures {
			if _, err := svc.SignIn(t.Context(), "ann@example.com", "wrong password!"); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Errorf("concurrent SignIn with a wrong password: %v", err)
			}
		}
	}
	_, err := svc.SignIn(t.Context(), "ann@example.com", pw)
	if !errors.Is(err, accounts.ErrThrottled) {
		t.Errorf("SignIn that the account was locked during: got %v, want %v", err, accounts.ErrThrottled)
	}
}
