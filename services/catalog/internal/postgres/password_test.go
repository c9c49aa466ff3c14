package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"

	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/catalog/internal/postgres"
)

// TestWithPassword connects to a real server: each new connection asks
// the password function, with the host, port and user it is about to
// use, and a failing function fails the connection rather than falling
// back to the DSN.
func TestWithPassword(t *testing.T) {
	dsn := pgtest.External(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	type call struct {
		host string
		port int
		user string
	}
	var calls []call
	pool, err := postgres.NewPool(t.Context(), dsn, postgres.WithPassword(func(_ context.Context, host string, port int, user string) (string, error) {
		calls = append(calls, call{host, port, user})
		return "token-" + strconv.Itoa(len(calls)), nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pool.Ping(t.Context()); err != nil { // the test server trusts local connections
		t.Fatalf("Ping: %v", err)
	}
	port, _ := strconv.Atoi(u.Port())
	want := call{u.Hostname(), port, u.User.Username()}
	if len(calls) != 1 || calls[0] != want {
		t.Errorf("password asked %v, want once with %v", calls, want)
	}

	refused := errors.New("no credentials")
	failing, err := postgres.NewPool(t.Context(), dsn, postgres.WithPassword(func(context.Context, string, int, string) (string, error) {
		return "", refused
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Close()
	if err := failing.Ping(t.Context()); !errors.Is(err, refused) {
		t.Errorf("Ping with a failing password function: %v, want %v", err, refused)
	}
}
