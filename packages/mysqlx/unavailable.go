package mysqlx

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/unavailable"
)

// MySQL and MariaDB error numbers of a server that cannot do the work now:
// out of connections, shutting down, or cutting a statement or connection
// short. Lock wait timeouts and deadlocks (ErrLockWaitTimeout,
// ErrDeadlock) join them once InTx has no retries left.
const (
	ErrTooManyConnections     = 1040 // ER_CON_COUNT_ERROR
	ErrServerShutdown         = 1053 // ER_SERVER_SHUTDOWN
	ErrTooManyUserConnections = 1203 // ER_TOO_MANY_USER_CONNECTIONS
	ErrQueryInterrupted       = 1317 // ER_QUERY_INTERRUPTED
	ErrConnectionKilled       = 1927 // ER_CONNECTION_KILLED (MariaDB)
	ErrStatementTimeout       = 1969 // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
	ErrExecutionTimeExceeded  = 3024 // ER_QUERY_TIMEOUT (MySQL max_execution_time)
	ErrClientIdleTimeout      = 4031 // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
)

// Unavailable reports whether err means that the MySQL server is
// unavailable or too slow: unavailable.Is, the driver's ErrInvalidConn (a
// connection that broke in the middle of a statement, or ran past
// readTimeout or writeTimeout) and the error numbers above.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if unavailable.Is(err) || errors.Is(err, mysql.ErrInvalidConn) {
		return true
	}
	switch ErrorNumber(err) {
	case ErrTooManyConnections, ErrServerShutdown, ErrTooManyUserConnections, ErrQueryInterrupted,
		ErrConnectionKilled, ErrStatementTimeout, ErrExecutionTimeExceeded, ErrClientIdleTimeout,
		ErrLockWaitTimeout:
		return true
	}
	return false
}

// Classify returns err marked with unavailable.Mark when Unavailable(err),
// so that every context's problem responder answers it with a 503; other
// errors, nil included, are returned as they are.
func Classify(err error) error {
	if Unavailable(err) && !unavailable.Is(err) {
		return unavailable.Mark(err)
	}
	return err
}

// classifyingConnector marks the errors of opening a connection (a server
// out of connections, refusing or not answering) with Classify.
type classifyingConnector struct {
	driver.Connector
}

func (c classifyingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	return conn, Classify(err)
}
