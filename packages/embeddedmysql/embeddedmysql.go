// Package embeddedmysql runs github.com/dolthub/go-mysql-server in-process:
// a MySQL wire-protocol server with in-memory databases and nothing to
// install, for `make dev` and for tests.
//
// It is for local and test code only; a Lambda entry point must never import
// it.
//
// go-mysql-server is not InnoDB: run side by side, its transactions are not
// isolated and it loses acknowledged writes. So this server runs one
// statement, or one transaction from START TRANSACTION to COMMIT, at a time
// (see serial): slower under load, but every acknowledged write is kept and
// every optimistic-concurrency check holds.
//
// Its data lives in memory. With Options.SnapshotPath it survives restarts:
// Start restores the last snapshot, Stop writes one, and so does every
// Options.SnapshotEvery in between when something changed. A process that is
// killed (kill -9, a crash, power loss) loses what was written since the
// last snapshot, at most SnapshotEvery of writes.
package embeddedmysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	gms "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	mysqlproto "github.com/dolthub/vitess/go/mysql"
	"github.com/go-sql-driver/mysql"
	"github.com/sirupsen/logrus"
)

// User is the account of the server: root, without a password.
const User = "root"

// Options configure Start. The zero value starts a server on a free port
// with no database.
type Options struct {
	// Port is the TCP port to listen on at 127.0.0.1. Zero means a free
	// port; fixed ports should sit below 32768, the start of the ephemeral
	// range. A port in use is an error matching syscall.EADDRINUSE.
	Port int
	// Databases are created empty at start.
	Databases []string
	// Logger receives go-mysql-server's warnings and errors, and the
	// failures of periodic snapshots. Nil discards them. go-mysql-server
	// logs through logrus's process-wide standard logger, so the Logger of
	// the last Start receives the logs of every server in the process.
	Logger *slog.Logger
	// SnapshotPath is the file that keeps the Databases across restarts
	// (see the package documentation). Empty keeps nothing.
	SnapshotPath string
	// SnapshotEvery is the interval of snapshots while the server runs,
	// taken only when something was written; zero means DefaultSnapshotEvery.
	// It bounds what a killed process loses.
	SnapshotEvery time.Duration
	// LockWait bounds how long a statement waits for the transaction in
	// progress before it fails with error 1205 (lock wait timeout); zero
	// means DefaultLockWait.
	LockWait time.Duration
}

// Defaults of Options.
const (
	DefaultSnapshotEvery = 2 * time.Second
	DefaultLockWait      = 10 * time.Second
)

// Server is a running go-mysql-server.
type Server struct {
	addr     string
	opts     Options
	logger   *slog.Logger
	srv      *server.Server
	serial   *serial
	db       *sql.DB // the server's own connection, for snapshots
	done     chan struct{}
	stopOnce sync.Once

	stopSnapshots chan struct{}
	snapshotsDone chan struct{}
	snapMu        sync.Mutex
	snapped       bool   // a snapshot holds the data as of snapGen
	snapGen       uint64 // serial.writes at the last snapshot
}

// Start starts a server listening on 127.0.0.1 and returns once it accepts
// connections, with the last snapshot restored when there is one. Call
// Stop to shut it down.
func Start(opts Options) (_ *Server, err error) {
	routeLogs(opts.Logger)
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.LockWait <= 0 {
		opts.LockWait = DefaultLockWait
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	provider := memory.NewDBProvider()
	ctx := gmssql.NewEmptyContext()
	for _, name := range opts.Databases {
		if err := provider.CreateDatabase(ctx, name); err != nil {
			return nil, fmt.Errorf("embeddedmysql: create database %s: %w", name, err)
		}
	}
	engine := gms.NewDefault(provider)

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)))
	if err != nil {
		return nil, fmt.Errorf("embeddedmysql: %w", err)
	}
	cfg := server.Config{Protocol: "tcp", Address: ln.Addr().String(), Listener: wholeStatements{ln}}
	s := &Server{addr: ln.Addr().String(), opts: opts, logger: logger, done: make(chan struct{})}
	wrap := func(h mysqlproto.Handler) (mysqlproto.Handler, error) {
		s.serial = newSerial(h, opts.LockWait)
		return s.serial, nil
	}
	srv, err := server.NewServerWithHandler(cfg, engine, gmssql.NewContext, memory.NewSessionBuilder(provider), nil, wrap)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("embeddedmysql: %w", err)
	}
	s.srv = srv
	go func() {
		defer close(s.done)
		_ = srv.Start() // returns when the listener is closed
	}()
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop())
		}
	}()

	if s.db, err = sql.Open("mysql", s.DSN("")); err != nil {
		return nil, fmt.Errorf("embeddedmysql: %w", err)
	}
	if opts.SnapshotPath != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		tables, rows, err := s.restore(ctx, opts.SnapshotPath)
		if err != nil {
			return nil, fmt.Errorf("embeddedmysql: restore the snapshot: %w", err)
		}
		if tables > 0 {
			logger.Info("restored the snapshot", "path", opts.SnapshotPath, "tables", tables, "rows", rows)
		}
		s.snapped, s.snapGen = true, s.serial.writes.Load()
		s.stopSnapshots, s.snapshotsDone = make(chan struct{}), make(chan struct{})
		go s.snapshotLoop()
	}
	return s, nil
}

// snapshotLoop takes a snapshot every SnapshotEvery until Stop.
func (s *Server) snapshotLoop() {
	defer close(s.snapshotsDone)
	t := time.NewTicker(s.opts.SnapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stopSnapshots:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.opts.LockWait+10*time.Second)
			if err := s.Snapshot(ctx); err != nil {
				s.logger.Warn("periodic snapshot failed; the next one retries", "err", err)
			}
			cancel()
		}
	}
}

// Addr returns the address the server listens on, such as 127.0.0.1:13306.
func (s *Server) Addr() string { return s.addr }

// DSN returns the go-sql-driver/mysql DSN of database db on the server, as
// User: root@tcp(127.0.0.1:13306)/db. An empty db selects no database.
func (s *Server) DSN(db string) string {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = User, "tcp", s.addr, db
	return cfg.FormatDSN()
}

// Stop writes a last snapshot (with Options.SnapshotPath), closes the
// listener, waits for the accept loop to end and discards the data in
// memory. Connections still open are cut when the process exits. Calling it
// again does nothing.
func (s *Server) Stop() error {
	var errs []error
	s.stopOnce.Do(func() {
		if s.stopSnapshots != nil {
			close(s.stopSnapshots)
			<-s.snapshotsDone
			ctx, cancel := context.WithTimeout(context.Background(), s.opts.LockWait+10*time.Second)
			if err := s.Snapshot(ctx); err != nil {
				errs = append(errs, err)
			}
			cancel()
		}
		if s.db != nil {
			s.db.Close()
		}
		if err := s.srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("embeddedmysql: %w", err))
		}
		<-s.done
	})
	return errors.Join(errs...)
}

var logsMu sync.Mutex

// routeLogs points logrus's standard logger, which go-mysql-server logs
// through, at logger (warnings and errors only), or discards its output.
func routeLogs(logger *slog.Logger) {
	logsMu.Lock()
	defer logsMu.Unlock()
	std := logrus.StandardLogger()
	std.SetOutput(io.Discard)
	std.SetLevel(logrus.WarnLevel) // it logs every connection at info level
	hooks := make(logrus.LevelHooks)
	if logger != nil {
		hooks.Add(slogHook{logger})
	}
	std.ReplaceHooks(hooks)
}

// slogHook forwards logrus entries to a slog.Logger.
type slogHook struct{ logger *slog.Logger }

func (h slogHook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (h slogHook) Fire(e *logrus.Entry) error {
	if isStartupAdvice(e.Message) {
		return nil
	}
	level := slog.LevelWarn
	if e.Level <= logrus.ErrorLevel {
		level = slog.LevelError
	}
	attrs := make([]slog.Attr, 0, len(e.Data))
	for k, v := range e.Data {
		if err, ok := v.(error); ok {
			v = err.Error()
		}
		attrs = append(attrs, slog.Any(k, v))
	}
	ctx := e.Context
	if ctx == nil {
		ctx = context.Background()
	}
	h.logger.LogAttrs(ctx, level, e.Message, attrs...)
	return nil
}

// isStartupAdvice reports the three warnings every start logs about
// secure_file_priv (LOAD DATA and LOAD_FILE may read any file): they do not
// apply to a throwaway server on the loopback interface.
func isStartupAdvice(msg string) bool {
	return strings.Contains(msg, "secure_file_priv") || strings.HasPrefix(msg, "Any user with GRANT FILE privileges")
}

// wholeStatements hands the server connections that are not *net.TCPConn.
// On a TCP connection go-mysql-server watches the socket while a statement
// runs and cancels the statement when the client hangs up (a client whose
// deadline passed, such as a request out of budget); the in-memory engine
// does not undo a cancelled statement: an INSERT cut that way left the
// unique index holding an email whose row was gone. With these connections
// every statement that started runs to its end, as a committed InnoDB
// statement would, and the transaction of a client that left is rolled back
// when its connection closes.
type wholeStatements struct{ net.Listener }

func (l wholeStatements) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return plainConn{c}, nil
}

type plainConn struct{ net.Conn }
