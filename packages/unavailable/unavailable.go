// Package unavailable decides whether an error means that a store, or
// another context a request depends on, is unavailable or too slow: the
// failures a client should retry later (503 with Retry-After), as opposed
// to bugs (500) and bad requests (4xx).
//
// Is recognises, anywhere in an error's chain:
//   - deadlines: context.DeadlineExceeded, and any error whose Timeout()
//     is true (net.Error, the drivers' timeout errors);
//   - connections refused, reset, aborted or unreachable (syscall errors),
//     driver.ErrBadConn and io.ErrUnexpectedEOF (a connection cut in the
//     middle of a response);
//   - server-side cancellations and connection limits of PostgreSQL, by
//     SQLSTATE through the SQLState() method of pgconn.PgError;
//   - throttling and service errors of AWS services, by error code through
//     the ErrorCode() method of smithy.APIError, and failed exchanges with
//     them through the ConnectionError() method of smithy-go's
//     RequestSendError;
//   - MongoDB network and overload errors, through the HasErrorLabel and
//     HasErrorCode methods of the mongo driver's server errors, and its
//     connection pool's errors through their Retryable() method (a pool
//     cleared after a connection was reset does not wrap the reset);
//   - any error marked with Mark (or with an Unavailable() bool method that
//     returns true): adapters use it for what only the engine's own types
//     tell, such as MySQL error numbers (packages/mysqlx), and clients of
//     other contexts for their 503s.
//
// Engines are recognised through those small interfaces rather than their
// types, so this package needs only the standard library and every module
// can use it without linking every driver.
//
// context.Canceled is not unavailability: it means that the caller went
// away, or that the program canceled work itself.
package unavailable

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"syscall"
	"time"
)

// RetryAfter is what every context tells a client to wait before retrying
// a request that failed because a store was unavailable or too slow: the
// Retry-After of every 503.
const RetryAfter = 2 * time.Second

// RetryAfterHeader is RetryAfter as the value of a Retry-After header, in
// whole seconds.
const RetryAfterHeader = "2"

// Is reports whether err means that a store, or a context the request
// depends on, is unavailable or too slow.
func Is(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	for _, errno := range connectionErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	found := false
	walk(err, func(e error) bool {
		found = matches(e)
		return found
	})
	return found
}

// connectionErrnos are the socket errors of a server that is down,
// restarting, unreachable or dropping connections.
var connectionErrnos = []error{
	syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN,
}

// matches reports whether e itself (not its chain) says unavailable.
func matches(e error) bool {
	if u, ok := e.(interface{ Unavailable() bool }); ok && u.Unavailable() {
		return true
	}
	if t, ok := e.(interface{ Timeout() bool }); ok && t.Timeout() {
		return true
	}
	// smithy-go's RequestSendError: the HTTP exchange with the service
	// failed (refused, reset, cut, malformed response).
	if c, ok := e.(interface{ ConnectionError() bool }); ok && c.ConnectionError() {
		return true
	}
	if s, ok := e.(interface{ SQLState() string }); ok && postgresUnavailable(s.SQLState()) {
		return true
	}
	if c, ok := e.(interface{ ErrorCode() string }); ok && awsUnavailable[c.ErrorCode()] {
		return true
	}
	if l, ok := e.(interface{ HasErrorLabel(string) bool }); ok {
		for _, label := range mongoLabels {
			if l.HasErrorLabel(label) {
				return true
			}
		}
	}
	// The MongoDB driver's pool errors (a pool cleared after a network
	// failure, a checkout that timed out) say only that they are
	// retryable: they do not wrap the network error behind them.
	if r, ok := e.(interface{ Retryable() bool }); ok && r.Retryable() {
		return true
	}
	if c, ok := e.(interface{ HasErrorCode(int) bool }); ok {
		for _, code := range mongoCodes {
			if c.HasErrorCode(code) {
				return true
			}
		}
	}
	return false
}

// walk calls f on err and every error it wraps, depth first, until f
// returns true.
func walk(err error, f func(error) bool) bool {
	if err == nil {
		return false
	}
	if f(err) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walk(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if walk(e, f) {
				return true
			}
		}
	}
	return false
}

// postgresUnavailable reports whether a SQLSTATE means that the server
// could not do the work now: class 08 (connection exception), 53
// (insufficient resources: too many connections, out of memory or disk),
// 57 (operator intervention: statement_timeout or a cancel request,
// administrator or crash shutdown, cannot connect now) and 55P03
// (lock_timeout).
func postgresUnavailable(state string) bool {
	if len(state) != 5 {
		return false
	}
	switch state[:2] {
	case "08", "53", "57":
		return true
	}
	return state == "55P03"
}

// awsUnavailable are the error codes of AWS services (DynamoDB's among
// them) for throttling and for the service's own failures, which the SDK
// retries and which remain after its last attempt.
var awsUnavailable = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"Throttling":                             true,
	"RequestLimitExceeded":                   true,
	"RequestThrottled":                       true,
	"RequestThrottledException":              true,
	"TooManyRequestsException":               true,
	"InternalServerError":                    true,
	"InternalFailure":                        true,
	"ServiceUnavailable":                     true,
	"RequestTimeout":                         true,
	"RequestTimeoutException":                true,
}

// mongoLabels are the error labels of MongoDB errors that a retry later may
// cure: network errors, and servers that shed load.
var mongoLabels = []string{"NetworkError", "SystemOverloadedError", "RetryableError"}

// mongoCodes are MongoDB server error codes of a server that is shutting
// down, stepping down, unreachable or over its time limits.
var mongoCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	50,    // MaxTimeMSExpired
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	262,   // ExceededTimeLimit
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// Mark returns err marked as unavailable, so that Is reports true for it
// and for any error wrapping it; errors.Is and errors.As still see err.
// Mark(nil) is nil.
func Mark(err error) error {
	if err == nil {
		return nil
	}
	return &marked{err}
}

type marked struct{ err error }

func (m *marked) Error() string     { return m.err.Error() }
func (m *marked) Unwrap() error     { return m.err }
func (m *marked) Unavailable() bool { return true }
