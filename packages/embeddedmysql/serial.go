package embeddedmysql

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
)

// serial makes go-mysql-server's in-memory engine safe for concurrent
// clients by running them one at a time. The engine does not isolate
// concurrent transactions: run side by side, it lost acknowledged inserts
// (14 of 130 sign-ups with 4 clients) and let two `UPDATE … WHERE version
// = ?` both succeed. serial wraps the server's protocol handler so that one
// server-wide lock is held for every statement outside a transaction, and
// from START TRANSACTION (or BEGIN) to COMMIT or ROLLBACK for a
// transaction: every transaction then sees every transaction committed
// before it, which is what InnoDB's row locks give the contexts' SQL.
//
// A connection that waits longer than lockWait for the lock gets MySQL's
// error 1205 (lock wait timeout), as InnoDB answers a blocked row lock.
// A connection that closes inside a transaction releases the lock.
type serial struct {
	mysql.Handler
	lock     chan struct{} // holds one token: the right to run
	lockWait time.Duration

	mu      sync.Mutex
	holders map[uint32]bool // connections holding the lock in a transaction

	writes atomic.Uint64 // statements that may have changed data
}

func newSerial(h mysql.Handler, lockWait time.Duration) *serial {
	s := &serial{Handler: h, lock: make(chan struct{}, 1), lockWait: lockWait, holders: make(map[uint32]bool)}
	s.lock <- struct{}{}
	return s
}

// acquire takes the lock for connection c unless c holds it already in a
// transaction. held reports whether it was held before.
func (s *serial) acquire(ctx context.Context, c *mysql.Conn) (held bool, err error) {
	s.mu.Lock()
	held = s.holders[c.ConnectionID]
	s.mu.Unlock()
	if held {
		return true, nil
	}
	t := time.NewTimer(s.lockWait)
	defer t.Stop()
	select {
	case <-s.lock:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
		return false, mysql.NewSQLError(mysql.ERLockWaitTimeout, mysql.SSUnknownSQLState,
			"Lock wait timeout exceeded; the embedded server runs one transaction at a time and another ran for more than %s", s.lockWait)
	}
}

// release ends c's statement: c keeps the lock while it is in a
// transaction, and gives it back otherwise.
func (s *serial) release(c *mysql.Conn, inTx bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inTx {
		s.holders[c.ConnectionID] = true
		return
	}
	delete(s.holders, c.ConnectionID)
	s.lock <- struct{}{}
}

// run runs one statement of c under the lock.
func (s *serial) run(ctx context.Context, c *mysql.Conn, query string, f func() error) error {
	held, err := s.acquire(ctx, c)
	if err != nil {
		return err
	}
	kind := classify(query)
	err = f()
	inTx := held
	switch kind {
	case stmtBegin:
		inTx = err == nil
	case stmtEnd:
		inTx = false
	case stmtWrite:
		s.writes.Add(1)
	}
	s.release(c, inTx)
	return err
}

func (s *serial) ComQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) error {
	return s.run(ctx, c, query, func() error { return s.Handler.ComQuery(ctx, c, query, callback) })
}

func (s *serial) ComMultiQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) (rest string, err error) {
	err = s.run(ctx, c, query, func() error {
		rest, err = s.Handler.ComMultiQuery(ctx, c, query, callback)
		return err
	})
	return rest, err
}

func (s *serial) ComPrepare(ctx context.Context, c *mysql.Conn, query string, prepare *mysql.PrepareData) (fields []*querypb.Field, err error) {
	// Preparing reads the schema; it changes nothing.
	err = s.run(ctx, c, "SELECT", func() error {
		fields, err = s.Handler.ComPrepare(ctx, c, query, prepare)
		return err
	})
	return fields, err
}

func (s *serial) ComStmtExecute(ctx context.Context, c *mysql.Conn, prepare *mysql.PrepareData, callback func(*sqltypes.Result) error) error {
	return s.run(ctx, c, prepare.PrepareStmt, func() error { return s.Handler.ComStmtExecute(ctx, c, prepare, callback) })
}

func (s *serial) ComResetConnection(c *mysql.Conn) error {
	s.abandon(c) // a reset ends the connection's transaction
	return s.Handler.ComResetConnection(c)
}

func (s *serial) ConnectionClosed(c *mysql.Conn) {
	s.abandon(c)
	s.Handler.ConnectionClosed(c)
}

// abandon gives back the lock of a connection that left in the middle of a
// transaction; the engine rolls the transaction back.
func (s *serial) abandon(c *mysql.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holders[c.ConnectionID] {
		delete(s.holders, c.ConnectionID)
		s.lock <- struct{}{}
	}
}

// stmtKind is what a statement does to the lock and the data.
type stmtKind int

const (
	stmtRead  stmtKind = iota // SELECT, SHOW, SET, USE, …: changes no data
	stmtWrite                 // may change data
	stmtBegin                 // starts a transaction
	stmtEnd                   // ends one
)

// classify tells a statement's kind from its first words, after comments.
func classify(query string) stmtKind {
	q := strings.ToLower(strings.TrimSpace(stripComments(query)))
	if q == "" {
		return stmtRead
	}
	word := q
	if i := strings.IndexAny(q, " \t\r\n;("); i >= 0 {
		word = q[:i]
	}
	switch word {
	case "begin":
		return stmtBegin
	case "start":
		if strings.HasPrefix(strings.Join(strings.Fields(q), " "), "start transaction") {
			return stmtBegin
		}
		return stmtWrite
	case "commit":
		return stmtEnd
	case "rollback":
		if strings.Contains(q, " to ") { // ROLLBACK TO SAVEPOINT keeps the transaction
			return stmtRead
		}
		return stmtEnd
	case "select", "show", "set", "use", "describe", "desc", "explain", "savepoint", "release":
		return stmtRead
	}
	return stmtWrite
}

// stripComments drops leading /* … */ and -- or # comments.
func stripComments(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		switch {
		case strings.HasPrefix(q, "/*"):
			end := strings.Index(q, "*/")
			if end < 0 {
				return ""
			}
			q = q[end+2:]
		case strings.HasPrefix(q, "--"), strings.HasPrefix(q, "#"):
			end := strings.IndexByte(q, '\n')
			if end < 0 {
				return ""
			}
			q = q[end+1:]
		default:
			return q
		}
	}
}
