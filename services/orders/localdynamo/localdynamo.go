// Package localdynamo serves an in-memory DynamoDB (github.com/truora/minidyn)
// over HTTP on a loopback port, in the current process, for the local stack
// and the tests. The AWS SDK talks to it as to any DynamoDB endpoint.
//
// Measured limits of minidyn (see docs/architecture.md): DescribeTable
// reports no TableStatus, so never wait for a table with the SDK's waiters;
// there is no TTL and no PartiQL; and clients must not validate response
// checksums (dynamodb.Options.DisableValidateResponseChecksum).
//
// Nothing in the Lambda function imports this package.
package localdynamo

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/truora/minidyn/server"
)

// Server is a running in-memory DynamoDB. Its data lives as long as it.
type Server struct {
	// URL is the endpoint to give clients, such as "http://127.0.0.1:41234".
	URL string
	srv *http.Server
	ln  net.Listener
}

// Start serves an empty in-memory DynamoDB on addr, such as
// "127.0.0.1:8000"; an empty addr picks a free loopback port.
func Start(addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: &guard{next: server.NewServer()}, ReadHeaderTimeout: 10 * time.Second},
		ln:  ln,
	}
	go func() { _ = s.srv.Serve(ln) }() // returns http.ErrServerClosed after Close
	return s, nil
}

// Close stops the server, waiting up to five seconds for requests in
// flight, and discards its data.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// guard works around a data race in minidyn v0.8.2: its table operations
// (CreateTable, DeleteTable, DescribeTable, UpdateTable) use the table map
// without the lock its item operations take, so tests that create tables
// while others run would race. guard runs table operations alone; item
// operations share a read lock, since minidyn serializes them itself.
type guard struct {
	mu   sync.RWMutex
	next http.Handler
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "Table") {
		g.mu.Lock()
		defer g.mu.Unlock()
	} else {
		g.mu.RLock()
		defer g.mu.RUnlock()
	}
	g.next.ServeHTTP(w, r)
}
