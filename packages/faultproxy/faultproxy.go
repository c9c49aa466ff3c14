// Package faultproxy is a TCP proxy that injects the faults of a store
// under trouble between a client and its server, switchable at run time:
//
//   - Pass forwards bytes both ways.
//   - Freeze accepts connections and holds every byte: existing connections
//     stall, new ones connect but never hear back, as with a server that
//     hangs or a network that drops packets. Back to Pass, held bytes flow
//     again.
//   - Refuse closes the listener, so new connections are refused
//     (ECONNREFUSED), and resets the open ones, as with a server that
//     died. Back to Pass, it listens on the same address again.
//   - Reset accepts new connections and resets them at once, and resets the
//     open ones, as with a server that is up but drops its clients.
//   - Cut forwards the first half of the next chunk the server sends, then
//     resets the connection: a response cut in the middle.
//
// SetLatency adds a delay to every chunk forwarded in either direction.
//
// It is a test tool: tests put it between a context and its store to check
// that the context fails fast and truthfully and recovers by itself.
package faultproxy

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Mode is what the proxy does with connections.
type Mode int

// The modes.
const (
	Pass Mode = iota
	Freeze
	Refuse
	Reset
	Cut
)

func (m Mode) String() string {
	switch m {
	case Pass:
		return "pass"
	case Freeze:
		return "freeze"
	case Refuse:
		return "refuse"
	case Reset:
		return "reset"
	case Cut:
		return "cut"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Proxy forwards connections from its address to a target.
type Proxy struct {
	target string
	addr   string // the listening address, fixed at start

	mu      sync.Mutex
	mode    Mode
	latency time.Duration
	changed chan struct{} // closed and replaced at every change of mode
	ln      net.Listener  // nil while refusing
	conns   map[*link]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// link is one proxied connection: the client's and the target's ends.
type link struct {
	client, server net.Conn
}

// Start listens on a free port of 127.0.0.1 and forwards to target
// ("host:port"), in Pass mode.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p := &Proxy{
		target:  target,
		addr:    ln.Addr().String(),
		changed: make(chan struct{}),
		ln:      ln,
		conns:   make(map[*link]struct{}),
	}
	p.wg.Add(1)
	go p.accept(ln)
	return p, nil
}

// Addr returns the address clients connect to, "127.0.0.1:port".
func (p *Proxy) Addr() string { return p.addr }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

// SetMode switches the proxy to m. Switching to Refuse or Reset resets the
// open connections; switching away from Refuse listens again on Addr.
func (p *Proxy) SetMode(m Mode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	if m == p.mode {
		return nil
	}
	if m == Refuse {
		_ = p.ln.Close()
		p.ln = nil
	}
	if p.mode == Refuse {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
		}
		p.ln = ln
		p.wg.Add(1)
		go p.accept(ln)
	}
	if m == Refuse || m == Reset {
		for l := range p.conns {
			l.reset()
		}
	}
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// SetLatency delays every chunk of bytes forwarded by d (0 for none).
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// Close stops listening, closes every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.ln != nil {
		_ = p.ln.Close()
	}
	for l := range p.conns {
		l.close()
	}
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

func (p *Proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed: by Close or by a switch to Refuse
		}
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			_ = c.Close()
			return
		case p.mode == Reset:
			p.mu.Unlock()
			resetConn(c)
			continue
		}
		l := &link{client: c}
		p.conns[l] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serve(l)
	}
}

// serve dials the target once the proxy lets bytes through, then pipes
// both ways until either side ends.
func (p *Proxy) serve(l *link) {
	defer p.wg.Done()
	defer p.forget(l)
	if !p.wait() {
		l.close()
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		resetConn(l.client)
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = server.Close()
		l.close()
		return
	}
	l.server = server
	p.mu.Unlock()

	done := make(chan struct{}, 2)
	go func() { p.pipe(l, server, l.client, false); done <- struct{}{} }()
	go func() { p.pipe(l, l.client, server, true); done <- struct{}{} }()
	<-done
	l.close()
	<-done
}

// pipe copies src to dst, chunk by chunk, through the proxy's faults.
// fromServer says whether src is the target's end, where Cut applies.
func (p *Proxy) pipe(l *link, dst, src net.Conn, fromServer bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if !p.wait() {
				return
			}
			if d := p.currentLatency(); d > 0 {
				time.Sleep(d)
			}
			if fromServer && p.Mode() == Cut {
				_, _ = dst.Write(chunk[:(n+1)/2])
				l.reset()
				return
			}
			if _, werr := dst.Write(chunk); werr != nil {
				return
			}
		}
		if err != nil {
			return // either side's end or failure ends the link
		}
	}
}

// wait blocks while the proxy is frozen. It returns false when the proxy
// closed, or when it switched to a mode that ends connections.
func (p *Proxy) wait() bool {
	for {
		p.mu.Lock()
		mode, closed, changed := p.mode, p.closed, p.changed
		p.mu.Unlock()
		switch {
		case closed || mode == Refuse || mode == Reset:
			return false
		case mode != Freeze:
			return true
		}
		<-changed
	}
}

func (p *Proxy) currentLatency() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latency
}

func (p *Proxy) forget(l *link) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, l)
}

// reset ends both ends of l with a TCP reset.
func (l *link) reset() {
	resetConn(l.client)
	if l.server != nil {
		resetConn(l.server)
	}
}

func (l *link) close() {
	_ = l.client.Close()
	if l.server != nil {
		_ = l.server.Close()
	}
}

// resetConn closes c so that the peer sees a reset (RST), not an orderly
// end (FIN).
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
