// Package accountstest is the contract suite for accounts.Store: every
// adapter runs the same tests, so the memory store used by handler tests
// behaves like the MySQL store used in production.
//
//	func TestStore(t *testing.T) {
//		accountstest.Run(t, func(*testing.T) accounts.Store { return memory.NewStore() }, accountstest.Options{})
//	}
package accountstest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/services/accounts/internal/accounts"
)

// workers is the number of goroutines of the concurrency tests.
const workers = 20

// now is the clock of the suite: UTC, to the microsecond, as the service
// gives it to stores.
var now = time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)

// Options adapt the suite to an adapter.
type Options struct {
	// SkipConcurrency skips the tests that race many goroutines against
	// one account. Set it only for an engine known not to isolate
	// concurrent transactions; those cases must then pass on MariaDB or
	// MySQL. (go-mysql-server is such an engine, but embeddedmysql runs it
	// one transaction at a time, and it runs them all.)
	SkipConcurrency bool
}

// Run runs the contract suite. newStore returns an empty store for one
// subtest; the subtests run in parallel, each on a store of its own.
func Run(t *testing.T, newStore func(t *testing.T) accounts.Store, opts Options) {
	tests := []struct {
		name       string
		test       func(*testing.T, accounts.Store)
		concurrent bool
	}{
		{"CreateAndGet", testCreateAndGet, false},
		{"DuplicateEmail", testDuplicateEmail, false},
		{"NotFound", testNotFound, false},
		{"Update", testUpdate, false},
		{"UpdateOwnEmailCase", testUpdateOwnEmailCase, false},
		{"UpdateError", testUpdateError, false},
		{"UpdateNotFound", testUpdateNotFound, false},
		{"UpdateDuplicateEmail", testUpdateDuplicateEmail, false},
		{"Throttle", testThrottle, false},
		{"Addresses", testAddresses, false},
		{"AddressLimit", testAddressLimit, false},
		{"ConcurrentSignUps", testConcurrentSignUps, true},
		{"ConcurrentProfileUpdates", testConcurrentProfileUpdates, true},
		{"ConcurrentAddressLimit", testConcurrentAddressLimit, true},
		{"ConcurrentFailures", testConcurrentFailures, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.concurrent && opts.SkipConcurrency {
				t.Skip("this engine does not isolate concurrent transactions; the case runs on MariaDB/MySQL")
			}
			t.Parallel()
			tt.test(t, newStore(t))
		})
	}
}

func testCreateAndGet(t *testing.T, s accounts.Store) {
	ctx := t.Context()
	want := customer(1, "Ann.Lee@Example.com")
	want.Roles = []accounts.Role{accounts.RoleAdmin, accounts.RoleCustomer}
	mustCreate(t, s, want)

	got, err := s.Customer(ctx, want.ID)
	if err != nil {
		t.Fatalf("Customer: %v", err)
	}
	checkCustomer(t, got, want)
	if got.CreatedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC {
		t.Errorf("times in %v and %v, want UTC", got.CreatedAt.Location(), got.UpdatedAt.Location())
	}
	for _, email := range []string{"Ann.Lee@Example.com", "ann.lee@example.com", "ANN.LEE@EXAMPLE.COM"} {
		got, err := s.CustomerByEmail(ctx, email)
		if err != nil {
			t.Fatalf("CustomerByEmail(%q): %v", email, err)
		}
		checkCustomer(t, got, want)
	}
}

func testDuplicateEmail(t *testing.T, s accounts.Store) {
	mustCreate(t, s, customer(1, "ann@example.com"))
	dup := customer(2, "ANN@Example.COM")
	if err := s.CreateCustomer(t.Context(), dup); !errors.Is(err, accounts.ErrDuplicateEmail) {
		t.Fatalf("CreateCustomer with a taken email in another case: got %v, want %v", err, accounts.ErrDuplicateEmail)
	}
	checkNotFound(t, s, dup.ID)
}

func testNotFound(t *testing.T, s accounts.Store) {
	checkNotFound(t, s, id(1))
	if _, err := s.CustomerByEmail(t.Context(), "nobody@example.com"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("CustomerByEmail(unknown): got %v, want %v", err, accounts.ErrNotFound)
	}
}

func testUpdate(t *testing.T, s accounts.Store) {
	ctx := t.Context()
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	later := now.Add(time.Hour)
	got, err := s.UpdateCustomer(ctx, c.ID, func(c *accounts.Customer) error {
		c.Email, c.DisplayName, c.UpdatedAt = "Ann@Lee.example", "Ann L.", later
		c.Roles = []accounts.Role{accounts.RoleAdmin, accounts.RoleCustomer}
		c.PasswordHash = "$argon2id$new"
		c.Version++
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateCustomer: %v", err)
	}
	want := c
	want.Email, want.DisplayName, want.UpdatedAt, want.Version = "Ann@Lee.example", "Ann L.", later, c.Version+1
	want.Roles = []accounts.Role{accounts.RoleAdmin, accounts.RoleCustomer}
	want.PasswordHash = "$argon2id$new"
	checkCustomer(t, got, want)
	checkStored(t, s, want)

	byEmail, err := s.CustomerByEmail(ctx, "ann@lee.example")
	if err != nil {
		t.Fatalf("CustomerByEmail(new email): %v", err)
	}
	checkCustomer(t, byEmail, want)
	if _, err := s.CustomerByEmail(ctx, "ann@example.com"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("CustomerByEmail(old email): got %v, want %v", err, accounts.ErrNotFound)
	}
	// The old email is free again.
	mustCreate(t, s, customer(2, "ann@example.com"))
}

func testUpdateOwnEmailCase(t *testing.T, s accounts.Store) {
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	got, err := s.UpdateCustomer(t.Context(), c.ID, func(c *accounts.Customer) error {
		c.Email = "Ann@Example.com"
		c.Version++
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateCustomer to the same email in another case: %v", err)
	}
	if got.Email != "Ann@Example.com" || got.Version != c.Version+1 {
		t.Errorf("got email %q at version %d, want %q at %d", got.Email, got.Version, "Ann@Example.com", c.Version+1)
	}
}

func testUpdateError(t *testing.T, s accounts.Store) {
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	errRefused := errors.New("refused")
	_, err := s.UpdateCustomer(t.Context(), c.ID, func(c *accounts.Customer) error {
		c.DisplayName = "Changed"
		return errRefused
	})
	if !errors.Is(err, errRefused) {
		t.Fatalf("UpdateCustomer: got %v, want the update's error %v", err, errRefused)
	}
	checkStored(t, s, c)
}

func testUpdateNotFound(t *testing.T, s accounts.Store) {
	called := false
	_, err := s.UpdateCustomer(t.Context(), id(1), func(*accounts.Customer) error {
		called = true
		return nil
	})
	if !errors.Is(err, accounts.ErrNotFound) {
		t.Fatalf("UpdateCustomer of a missing account: got %v, want %v", err, accounts.ErrNotFound)
	}
	if called {
		t.Errorf("UpdateCustomer called update for a missing account")
	}
	if _, err := s.UpdateThrottle(t.Context(), id(1), func(*accounts.Throttle) error { return nil }); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("UpdateThrottle of a missing account: got %v, want %v", err, accounts.ErrNotFound)
	}
}

func testUpdateDuplicateEmail(t *testing.T, s accounts.Store) {
	mustCreate(t, s, customer(1, "ann@example.com"))
	b := mustCreate(t, s, customer(2, "bob@example.com"))
	_, err := s.UpdateCustomer(t.Context(), b.ID, func(c *accounts.Customer) error {
		c.Email = "ANN@example.com"
		c.Version++
		return nil
	})
	if !errors.Is(err, accounts.ErrDuplicateEmail) {
		t.Fatalf("UpdateCustomer to a taken email: got %v, want %v", err, accounts.ErrDuplicateEmail)
	}
	checkStored(t, s, b)
}

func testThrottle(t *testing.T, s accounts.Store) {
	ctx := t.Context()
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	var got accounts.Throttle
	for range accounts.MaxFailures {
		var err error
		got, err = s.UpdateThrottle(ctx, c.ID, func(t *accounts.Throttle) error {
			t.Fail(now)
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateThrottle: %v", err)
		}
	}
	want := accounts.Throttle{Failures: accounts.MaxFailures, LockedUntil: now.Add(accounts.LockBase)}
	if got.Failures != want.Failures || !got.LockedUntil.Equal(want.LockedUntil) {
		t.Errorf("after %d failures: got %+v, want %+v", accounts.MaxFailures, got, want)
	}
	// The throttle is stored without changing the version.
	wantCustomer := c
	wantCustomer.Throttle = want
	checkStored(t, s, wantCustomer)

	// A profile update keeps the throttle.
	updated, err := s.UpdateCustomer(ctx, c.ID, func(c *accounts.Customer) error {
		c.DisplayName = "Renamed"
		c.Throttle = accounts.Throttle{}
		c.Version++
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateCustomer: %v", err)
	}
	if updated.Throttle.Failures != want.Failures || !updated.Throttle.LockedUntil.Equal(want.LockedUntil) {
		t.Errorf("UpdateCustomer returned throttle %+v, want it unchanged at %+v", updated.Throttle, want)
	}
	wantCustomer.DisplayName, wantCustomer.Version = "Renamed", c.Version+1
	checkStored(t, s, wantCustomer)

	// An error saves nothing; a reset clears the lock.
	errRefused := errors.New("refused")
	if _, err := s.UpdateThrottle(ctx, c.ID, func(t *accounts.Throttle) error {
		t.Reset()
		return errRefused
	}); !errors.Is(err, errRefused) {
		t.Fatalf("UpdateThrottle: got %v, want the update's error %v", err, errRefused)
	}
	checkStored(t, s, wantCustomer)
	if got, err = s.UpdateThrottle(ctx, c.ID, func(t *accounts.Throttle) error {
		t.Reset()
		return nil
	}); err != nil || got != (accounts.Throttle{}) {
		t.Fatalf("UpdateThrottle(reset) = %+v, %v; want a zero throttle", got, err)
	}
	wantCustomer.Throttle = accounts.Throttle{}
	checkStored(t, s, wantCustomer)
}

func testAddresses(t *testing.T, s accounts.Store) {
	ctx := t.Context()
	ann := mustCreate(t, s, customer(1, "ann@example.com"))
	bob := mustCreate(t, s, customer(2, "bob@example.com"))
	checkAddresses(t, s, ann.ID, nil)

	home := address(t, 10, "Home", "Hauptstraße 1", "Berlin", "10115", "DE")
	work := address(t, 11, "Work", "1 Main St", "Springfield", "12345", "US")
	work.Lines = append(work.Lines, "Suite 400", "Floor 4")
	other := address(t, 12, "Bob", "Rue 3", "Paris", "75001", "FR")
	mustAdd(t, s, ann.ID, home)
	mustAdd(t, s, ann.ID, work)
	mustAdd(t, s, bob.ID, other)
	checkAddresses(t, s, ann.ID, []accounts.Address{home, work})
	checkAddresses(t, s, bob.ID, []accounts.Address{other})
	checkAddresses(t, s, id(99), nil)

	if err := s.AddAddress(ctx, id(99), address(t, 13, "X", "Y", "Z", "1", "DE")); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("AddAddress to a missing account: got %v, want %v", err, accounts.ErrNotFound)
	}

	later := now.Add(time.Hour)
	got, err := s.UpdateAddress(ctx, ann.ID, home.ID, func(a *accounts.Address) error {
		return accounts.AddressInput{Name: "Home", Lines: []string{"Hauptstraße 2", "Hinterhaus"}, City: "Berlin", PostalCode: "10117", Country: "de"}.Apply(a, later)
	})
	if err != nil {
		t.Fatalf("UpdateAddress: %v", err)
	}
	wantHome := home
	wantHome.Lines, wantHome.PostalCode, wantHome.UpdatedAt = []string{"Hauptstraße 2", "Hinterhaus"}, "10117", later
	checkAddress(t, got, wantHome)
	checkAddresses(t, s, ann.ID, []accounts.Address{wantHome, work})

	errRefused := errors.New("refused")
	if _, err := s.UpdateAddress(ctx, ann.ID, work.ID, func(a *accounts.Address) error {
		a.City = "Changed"
		return errRefused
	}); !errors.Is(err, errRefused) {
		t.Errorf("UpdateAddress: got %v, want the update's error %v", err, errRefused)
	}
	// Another account's address is not found.
	if _, err := s.UpdateAddress(ctx, bob.ID, home.ID, func(*accounts.Address) error { return nil }); !errors.Is(err, accounts.ErrAddressNotFound) {
		t.Errorf("UpdateAddress of another account's address: got %v, want %v", err, accounts.ErrAddressNotFound)
	}
	if err := s.DeleteAddress(ctx, bob.ID, home.ID); !errors.Is(err, accounts.ErrAddressNotFound) {
		t.Errorf("DeleteAddress of another account's address: got %v, want %v", err, accounts.ErrAddressNotFound)
	}

	if err := s.DeleteAddress(ctx, ann.ID, home.ID); err != nil {
		t.Fatalf("DeleteAddress: %v", err)
	}
	if err := s.DeleteAddress(ctx, ann.ID, home.ID); !errors.Is(err, accounts.ErrAddressNotFound) {
		t.Errorf("DeleteAddress twice: got %v, want %v", err, accounts.ErrAddressNotFound)
	}
	checkAddresses(t, s, ann.ID, []accounts.Address{work})
	checkAddresses(t, s, bob.ID, []accounts.Address{other})
}

func testAddressLimit(t *testing.T, s accounts.Store) {
	ctx := t.Context()
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	var first accounts.Address
	for n := range accounts.MaxAddresses {
		a := address(t, 10+n, "Home", "Street 1", "Berlin", "10115", "DE")
		mustAdd(t, s, c.ID, a)
		if n == 0 {
			first = a
		}
	}
	extra := address(t, 100, "Home", "Street 1", "Berlin", "10115", "DE")
	if err := s.AddAddress(ctx, c.ID, extra); !errors.Is(err, accounts.ErrTooManyAddresses) {
		t.Fatalf("AddAddress beyond %d: got %v, want %v", accounts.MaxAddresses, err, accounts.ErrTooManyAddresses)
	}
	if err := s.DeleteAddress(ctx, c.ID, first.ID); err != nil {
		t.Fatalf("DeleteAddress: %v", err)
	}
	mustAdd(t, s, c.ID, extra)
}

// testConcurrentSignUps checks that of many sign-ups with one email, in
// different cases, exactly one succeeds.
func testConcurrentSignUps(t *testing.T, s accounts.Store) {
	errs := concurrently(t, func(i int) error {
		email := "ann@example.com"
		if i%2 == 1 {
			email = "ANN@example.com"
		}
		return s.CreateCustomer(t.Context(), customer(i+1, email))
	})
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, accounts.ErrDuplicateEmail):
			t.Errorf("CreateCustomer: %v", err)
		}
	}
	if created != 1 {
		t.Errorf("%d concurrent sign-ups with one email created %d accounts, want 1", workers, created)
	}
}

// testConcurrentProfileUpdates checks optimistic concurrency: of many
// updates that all expect the same version, exactly one wins.
func testConcurrentProfileUpdates(t *testing.T, s accounts.Store) {
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	errs := concurrently(t, func(i int) error {
		_, err := s.UpdateCustomer(t.Context(), c.ID, func(got *accounts.Customer) error {
			if got.Version != c.Version {
				return accounts.ErrVersionMismatch
			}
			got.DisplayName = fmt.Sprintf("Writer %d", i)
			got.Version++
			return nil
		})
		return err
	})
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("writers %d and %d both won", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, accounts.ErrVersionMismatch) && !errors.Is(err, accounts.ErrConflict):
			t.Errorf("UpdateCustomer: %v", err)
		}
	}
	if won < 0 {
		t.Fatalf("no writer won")
	}
	got := stored(t, s, c.ID)
	if want := fmt.Sprintf("Writer %d", won); got.DisplayName != want || got.Version != c.Version+1 {
		t.Errorf("stored %q at version %d, want %q at %d", got.DisplayName, got.Version, want, c.Version+1)
	}
}

// testConcurrentAddressLimit checks that concurrent additions never take
// an account past MaxAddresses.
func testConcurrentAddressLimit(t *testing.T, s accounts.Store) {
	const have = accounts.MaxAddresses - 2
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	for n := range have {
		mustAdd(t, s, c.ID, address(t, 100+n, "Home", "Street 1", "Berlin", "10115", "DE"))
	}
	errs := concurrently(t, func(i int) error {
		return s.AddAddress(t.Context(), c.ID, address(t, 200+i, "Home", "Street 1", "Berlin", "10115", "DE"))
	})
	added := 0
	for _, err := range errs {
		switch {
		case err == nil:
			added++
		case !errors.Is(err, accounts.ErrTooManyAddresses):
			t.Errorf("AddAddress: %v", err)
		}
	}
	if added != accounts.MaxAddresses-have {
		t.Errorf("%d concurrent additions to %d addresses: %d succeeded, want %d", workers, have, added, accounts.MaxAddresses-have)
	}
	list, err := s.Addresses(t.Context(), c.ID)
	if err != nil {
		t.Fatalf("Addresses: %v", err)
	}
	if len(list) != accounts.MaxAddresses {
		t.Errorf("account has %d addresses, want %d", len(list), accounts.MaxAddresses)
	}
}

// testConcurrentFailures checks that no failed sign-in is lost when many
// are recorded at once.
func testConcurrentFailures(t *testing.T, s accounts.Store) {
	c := mustCreate(t, s, customer(1, "ann@example.com"))
	errs := concurrently(t, func(int) error {
		_, err := s.UpdateThrottle(t.Context(), c.ID, func(t *accounts.Throttle) error {
			t.Failures++
			return nil
		})
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("UpdateThrottle: %v", err)
		}
	}
	if got := stored(t, s, c.ID); got.Throttle.Failures != workers || got.Version != c.Version {
		t.Errorf("after %d concurrent failures: %d failures at version %d, want %d at %d",
			workers, got.Throttle.Failures, got.Version, workers, c.Version)
	}
}

// concurrently calls f(i) from workers goroutines released at once, and
// returns their errors.
func concurrently(t *testing.T, f func(i int) error) []error {
	t.Helper()
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// id returns the n-th ID of a test: a UUIDv7 that sorts after the
// (n-1)-th, as the IDs the service issues do.
func id(n int) string { return fmt.Sprintf("01959ad0-0000-7000-8000-%012x", n) }

// customer returns a valid account, the n-th of a test, with the given
// email.
func customer(n int, email string) accounts.Customer {
	return accounts.Customer{
		ID: id(n), Email: email, DisplayName: "Customer " + strings.Split(email, "@")[0],
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$a2V5",
		Roles:        []accounts.Role{accounts.RoleCustomer}, Version: 1,
		CreatedAt: now, UpdatedAt: now,
	}
}

// address returns a valid address, the n-th of a test.
func address(t *testing.T, n int, name, line, city, postalCode, country string) accounts.Address {
	t.Helper()
	a := accounts.Address{ID: id(n), CreatedAt: now}
	in := accounts.AddressInput{Name: name, Lines: []string{line}, City: city, PostalCode: postalCode, Country: country}
	if err := in.Apply(&a, now); err != nil {
		t.Fatalf("AddressInput.Apply: %v", err)
	}
	return a
}

func mustCreate(t *testing.T, s accounts.Store, c accounts.Customer) accounts.Customer {
	t.Helper()
	if err := s.CreateCustomer(t.Context(), c); err != nil {
		t.Fatalf("CreateCustomer(%s): %v", c.Email, err)
	}
	return c
}

func mustAdd(t *testing.T, s accounts.Store, customerID string, a accounts.Address) {
	t.Helper()
	if err := s.AddAddress(t.Context(), customerID, a); err != nil {
		t.Fatalf("AddAddress(%s): %v", a.ID, err)
	}
}

func stored(t *testing.T, s accounts.Store, id string) accounts.Customer {
	t.Helper()
	c, err := s.Customer(t.Context(), id)
	if err != nil {
		t.Fatalf("Customer(%s): %v", id, err)
	}
	return c
}

// checkStored checks that the store holds want.
func checkStored(t *testing.T, s accounts.Store, want accounts.Customer) {
	t.Helper()
	checkCustomer(t, stored(t, s, want.ID), want)
}

func checkNotFound(t *testing.T, s accounts.Store, id string) {
	t.Helper()
	if _, err := s.Customer(t.Context(), id); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("Customer(%q): got %v, want %v", id, err, accounts.ErrNotFound)
	}
}

// checkCustomer compares accounts, times by instant.
func checkCustomer(t *testing.T, got, want accounts.Customer) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		!got.Throttle.LockedUntil.Equal(want.Throttle.LockedUntil) {
		t.Errorf("created %v, updated %v, locked until %v; want %v, %v, %v",
			got.CreatedAt, got.UpdatedAt, got.Throttle.LockedUntil,
			want.CreatedAt, want.UpdatedAt, want.Throttle.LockedUntil)
	}
	got.CreatedAt, got.UpdatedAt, got.Throttle.LockedUntil = time.Time{}, time.Time{}, time.Time{}
	want.CreatedAt, want.UpdatedAt, want.Throttle.LockedUntil = time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got account\n%+v\nwant\n%+v", got, want)
	}
}

func checkAddresses(t *testing.T, s accounts.Store, customerID string, want []accounts.Address) {
	t.Helper()
	got, err := s.Addresses(t.Context(), customerID)
	if err != nil {
		t.Fatalf("Addresses(%s): %v", customerID, err)
	}
	if len(got) != len(want) {
		t.Fatalf("Addresses(%s) has %d addresses, want %d:\n%+v", customerID, len(got), len(want), got)
	}
	for i := range got {
		checkAddress(t, got[i], want[i])
	}
}

// checkAddress compares addresses, times by instant.
func checkAddress(t *testing.T, got, want accounts.Address) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("address created %v and updated %v, want %v and %v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
	want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got address\n%+v\nwant\n%+v", got, want)
	}
}
