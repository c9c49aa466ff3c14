// Package embeddedferret runs FerretDB v1 in-process with its SQLite
// backend: a MongoDB wire-protocol server with nothing to install, for
// `make dev` (persistent data) and for tests (throwaway data).
//
// It is for local and test code only. FerretDB and SQLite add tens of
// megabytes to a binary, so a Lambda entry point must never import this
// package; it talks to MongoDB Atlas through the plain driver instead.
//
// FerretDB v1 is not MongoDB: it has no multi-document transactions, no TTL
// indexes, no $lookup and no change streams, lacks the $avg and $max
// accumulators, returns 0 for a second $sum in one $group, and fails
// Distinct when the context has a deadline. Code meant to run on both must
// keep to what both support.
package embeddedferret

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Options configure Start. The zero value starts a temporary server on a
// free port.
type Options struct {
	// DataPath is a persistent directory for the SQLite databases, one file
	// per MongoDB database, kept across restarts and created if missing.
	// Empty means a temporary directory removed by Stop.
	DataPath string
	// Port is the TCP port to listen on at 127.0.0.1. Zero means a free
	// port; fixed ports should sit below 32768, the start of the ephemeral
	// range.
	Port int
	// Logger receives FerretDB's own logs. Nil discards them.
	Logger *slog.Logger
}

// Server is a running FerretDB.
type Server struct {
	uri     string
	tempDir string // removed by Stop; empty for a persistent DataPath
	cancel  context.CancelFunc
	done    chan struct{}
	stop    sync.Once
	stopErr error
}

// Start starts FerretDB listening on 127.0.0.1 and returns once it accepts
// connections. Call Stop to shut it down.
func Start(opts Options) (*Server, error) {
	dir, tempDir := opts.DataPath, ""
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "embeddedferret-"); err != nil {
			return nil, fmt.Errorf("embeddedferret: %w", err)
		}
		tempDir = dir
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embeddedferret: data directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		removeTemp(tempDir)
		return nil, fmt.Errorf("embeddedferret: data directory: %w", err)
	}

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{
			TCP: net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)),
		},
		Logger:  logger,
		Handler: "sqlite",
		// The SQLite backend wants a file: URI naming a directory, with a
		// trailing slash.
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
	})
	if err != nil {
		removeTemp(tempDir)
		return nil, fmt.Errorf("embeddedferret: %w", err)
	}

	// ferretdb.New has already bound the listener, so the URI (with the
	// actual port) is known before Run accepts the first connection.
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{uri: f.MongoDBURI(), tempDir: tempDir, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = f.Run(ctx) // always nil; it returns when ctx is canceled
	}()
	return s, nil
}

// URI returns the server's connection string, mongodb://127.0.0.1:<port>/.
func (s *Server) URI() string { return s.uri }

// Stop closes the listener and every connection, waits for the server to
// finish, and removes a temporary data directory. Calling it again returns
// the first call's result.
func (s *Server) Stop() error {
	s.stop.Do(func() {
		s.cancel()
		<-s.done
		if s.tempDir != "" {
			s.stopErr = os.RemoveAll(s.tempDir)
		}
	})
	if s.stopErr != nil {
		return fmt.Errorf("embeddedferret: %w", s.stopErr)
	}
	return nil
}

func removeTemp(dir string) {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
