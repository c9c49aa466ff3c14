package dynamolocal

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/testenv"
)

// Shared is one in-memory DynamoDB Local for all the tests of a package,
// started by the first test that asks for it. The package's TestMain stops
// it after m.Run:
//
//	var ddb dynamolocal.Shared
//
//	func TestMain(m *testing.M) { code := m.Run(); ddb.Stop(); os.Exit(code) }
//
// Where Java or DynamoDB Local is missing the tests that ask skip, or fail
// under CI=true (see testenv).
type Shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// URL returns the shared server's endpoint, starting it on first use. It
// ends tb through testenv.Unavailable when Java or DynamoDB Local is
// missing, and fails it when the server does not start.
func (s *Shared) URL(tb testing.TB) string {
	tb.Helper()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		in, err := Find(ctx)
		if err != nil {
			s.err = err
			return
		}
		s.srv, s.err = in.Start(ctx, Options{})
	})
	switch {
	case errors.Is(s.err, ErrNoJava), errors.Is(s.err, ErrNoJar):
		testenv.Unavailable(tb, "%v", s.err)
		return ""
	case s.err != nil:
		tb.Fatalf("start DynamoDB Local: %v", s.err)
		return ""
	case s.srv == nil:
		tb.Fatal("dynamolocal: the shared server was stopped")
		return ""
	}
	return s.srv.URL()
}

// Stop stops the server if it was started.
func (s *Shared) Stop() error {
	var err error
	s.once.Do(func() {}) // nothing starts after Stop
	if s.srv != nil {
		err = s.srv.Stop()
		s.srv = nil
	}
	return err
}
