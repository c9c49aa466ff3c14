// Package embeddedmysql runs github.com/dolthub/go-mysql-server in-process:
// a MySQL wire-protocol server with in-memory databases and nothing to
// install, for `make dev` and for tests.
//
// It is for local and test code only; a Lambda entry point must never import
// it. Its data lives in memory and is gone when the server stops.
//
// go-mysql-server is not InnoDB: it does not isolate concurrent
// transactions and loses concurrent updates (UPDATE … WHERE version = ?), so
// concurrency and locking tests must run on MariaDB or MySQL.
package embeddedmysql

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	gms "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
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
	// Logger receives go-mysql-server's warnings and errors. Nil discards
	// them. go-mysql-server logs through logrus's process-wide standard
	// logger, so the Logger of the last Start receives the logs of every
	// server in the process.
	Logger *slog.Logger
}

// Server is a running go-mysql-server.
type Server struct {
	addr     string
	srv      *server.Server
	done     chan struct{}
	stopOnce sync.Once
}

// Start starts a server listening on 127.0.0.1 and returns once it accepts
// connections. Call Stop to shut it down.
func Start(opts Options) (*Server, error) {
	routeLogs(opts.Logger)

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
	cfg := server.Config{Protocol: "tcp", Address: ln.Addr().String(), Listener: ln}
	srv, err := server.NewServer(cfg, engine, gmssql.NewContext, memory.NewSessionBuilder(provider), nil)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("embeddedmysql: %w", err)
	}
	s := &Server{addr: ln.Addr().String(), srv: srv, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = srv.Start() // returns when the listener is closed
	}()
	return s, nil
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

// Stop closes the listener, waits for the accept loop to end and discards
// the data. Connections still open are cut when the process exits. Calling
// it again does nothing.
func (s *Server) Stop() error {
	var err error
	s.stopOnce.Do(func() {
		err = s.srv.Close()
		<-s.done
	})
	if err != nil {
		return fmt.Errorf("embeddedmysql: %w", err)
	}
	return nil
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
