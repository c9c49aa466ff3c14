package faultproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"example.com/quartet/packages/faultproxy"
)

// echo serves a line-echo server on a free port: each line it reads, it
// writes back. It returns its address.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadBytes('\n')
					if err != nil {
						return
					}
					if _, err := c.Write(line); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func start(t *testing.T) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t *testing.T, p *faultproxy.Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", p.Addr(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and a newline on c and returns the line read back
// within wait.
func roundTrip(c net.Conn, msg string, wait time.Duration) (string, error) {
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return line, err
	}
	return line[:len(line)-1], nil
}

func mustRoundTrip(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	got, err := roundTrip(c, msg, 2*time.Second)
	if err != nil || got != msg {
		t.Fatalf("round trip of %q: got %q, %v", msg, got, err)
	}
}

func setMode(t *testing.T, p *faultproxy.Proxy, m faultproxy.Mode) {
	t.Helper()
	if err := p.SetMode(m); err != nil {
		t.Fatalf("SetMode(%v): %v", m, err)
	}
	if p.Mode() != m {
		t.Fatalf("Mode() = %v after SetMode(%v)", p.Mode(), m)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestPass(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustRoundTrip(t, c, "hello")
	mustRoundTrip(t, c, "again")
}

func TestFreeze(t *testing.T) {
	p := start(t)
	old := dial(t, p)
	mustRoundTrip(t, old, "before")

	setMode(t, p, faultproxy.Freeze)
	if _, err := roundTrip(old, "stalled", 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("open connection while frozen: %v, want a timeout", err)
	}
	fresh := dial(t, p) // accepted...
	if _, err := roundTrip(fresh, "held", 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("new connection while frozen: %v, want a timeout", err)
	}

	// Thawed, the held bytes flow: each connection reads its answer.
	setMode(t, p, faultproxy.Pass)
	for _, tc := range []struct {
		c    net.Conn
		want string
	}{{old, "stalled"}, {fresh, "held"}} {
		_ = tc.c.SetDeadline(time.Now().Add(2 * time.Second))
		line, err := bufio.NewReader(tc.c).ReadString('\n')
		if err != nil || line != tc.want+"\n" {
			t.Errorf("after the thaw: read %q, %v; want %q", line, err, tc.want)
		}
	}
}

func TestRefuse(t *testing.T) {
	p := start(t)
	old := dial(t, p)
	mustRoundTrip(t, old, "before")

	setMode(t, p, faultproxy.Refuse)
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial while refusing: %v, want connection refused", err)
	}
	if _, err := roundTrip(old, "after", time.Second); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("open connection while refusing: %v, want a reset", err)
	}

	setMode(t, p, faultproxy.Pass)
	mustRoundTrip(t, dial(t, p), "back")
}

func TestReset(t *testing.T) {
	p := start(t)
	setMode(t, p, faultproxy.Reset)
	// The reset may come as early as the dial's handshake.
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err == nil {
		defer c.Close()
		_, err = roundTrip(c, "x", time.Second)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("new connection while resetting: %v, want a reset", err)
	}
	setMode(t, p, faultproxy.Pass)
	mustRoundTrip(t, dial(t, p), "back")
}

func TestCut(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustRoundTrip(t, c, "whole")
	setMode(t, p, faultproxy.Cut)
	got, err := roundTrip(c, "abcdefg", time.Second) // 8 bytes with the newline
	if err == nil || got != "abcd" {
		t.Errorf("cut response: got %q, %v; want the first half and an error", got, err)
	}
	setMode(t, p, faultproxy.Pass)
	mustRoundTrip(t, dial(t, p), "back")
}

func TestLatency(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustRoundTrip(t, c, "warm")
	p.SetLatency(150 * time.Millisecond)
	start := time.Now()
	mustRoundTrip(t, c, "slow")
	// Both directions are delayed: at least two delays.
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("round trip with 150 ms latency each way took %v, want at least 300 ms", took)
	}
	p.SetLatency(0)
	mustRoundTrip(t, c, "fast")
}

func TestClose(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	setMode(t, p, faultproxy.Freeze)
	go func() { _, _ = roundTrip(c, "held", 5*time.Second) }()
	time.Sleep(50 * time.Millisecond)
	done := make(chan struct{})
	go func() { p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return with a frozen connection")
	}
	if err := p.SetMode(faultproxy.Pass); err == nil {
		t.Error("SetMode after Close succeeded")
	}
}
