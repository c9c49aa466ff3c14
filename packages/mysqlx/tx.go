package mysqlx

import (
	"context"
	"database/sql"
	"errors"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/optimistic"
)

// MySQL and MariaDB error numbers that stores translate.
const (
	ErrDuplicateEntry   = 1062 // ER_DUP_ENTRY
	ErrLockWaitTimeout  = 1205 // ER_LOCK_WAIT_TIMEOUT
	ErrDeadlock         = 1213 // ER_LOCK_DEADLOCK
	ErrNoReferencedRow  = 1452 // ER_NO_REFERENCED_ROW_2: a foreign key fails
	ErrCheckViolated    = 3819 // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
	ErrConstraintFailed = 4025 // ER_CONSTRAINT_FAILED (MariaDB's check violation)
)

// maxTxAttempts bounds how often InTx runs a transaction that keeps
// ending in a deadlock or lock wait timeout.
const maxTxAttempts = 5

// ErrorNumber returns the server's error number of err, or 0 when err holds
// no *mysql.MySQLError.
func ErrorNumber(err error) uint16 {
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		return me.Number
	}
	return 0
}

// IsDuplicate reports whether err is a duplicate key error (1062).
func IsDuplicate(err error) bool { return ErrorNumber(err) == ErrDuplicateEntry }

// IsRetryable reports whether err ended a transaction that is worth running
// again: a deadlock (1213) or a lock wait timeout (1205).
func IsRetryable(err error) bool {
	n := ErrorNumber(err)
	return n == ErrDeadlock || n == ErrLockWaitTimeout
}

// InTx runs fn in a transaction and commits it, retrying the whole
// transaction a few times when it ends in a deadlock or lock wait timeout.
// fn may therefore run more than once, and must not keep state between
// runs. fn's own errors are returned as they are, and roll back. Retries
// stop when ctx ends (the request budget); the error of a server that is
// unavailable or too slow, a lock wait timeout after the last attempt
// included, is marked for a 503 (Classify).
func InTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := tryTx(ctx, db, fn)
		if !IsRetryable(err) || attempt+1 == maxTxAttempts {
			return Classify(err)
		}
		if err := optimistic.Backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

func tryTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
