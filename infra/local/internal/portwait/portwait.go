// Package portwait waits for a fixed local port that the previous run of
// `make dev` may still hold while it shuts down, and says clearly what to do
// when it stays taken.
package portwait

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"
)

// Wait is how long Free and Listen wait for a port in use to be released:
// long enough for a previous run to drain its requests and stop its stores.
const Wait = 15 * time.Second

// poll is the interval between two attempts.
const poll = 100 * time.Millisecond

// Listen listens on addr (host:port), waiting up to wait while the address
// is in use. A port of 0 picks a free port at once.
func Listen(ctx context.Context, addr string, wait time.Duration) (net.Listener, error) {
	deadline := time.Now().Add(wait)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (waiting for %s to be free)", ctx.Err(), addr)
		case <-time.After(poll):
		}
	}
}

// Free waits up to wait until port can be bound on 127.0.0.1, for a server
// that binds it itself. Port 0 needs no wait. The error of a port that stays
// in use names what needs it (what) and how to do without it (hint).
func Free(ctx context.Context, port int, wait time.Duration, what, hint string) error {
	if port == 0 {
		return nil
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := Listen(ctx, addr, wait)
	if errors.Is(err, syscall.EADDRINUSE) {
		return InUse(addr, what, hint, wait)
	}
	if err != nil {
		return fmt.Errorf("%s on %s: %w", what, addr, err)
	}
	return ln.Close()
}

// InUse is the error of an address that stayed in use for wait.
func InUse(addr, what, hint string, wait time.Duration) error {
	msg := fmt.Sprintf("%s: %s is still in use after %s: another `make dev` (or a store it left running) holds it; stop it", what, addr, wait)
	if hint != "" {
		msg += ", or " + hint
	}
	return errors.New(msg)
}
