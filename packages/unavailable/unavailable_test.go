package unavailable_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"example.com/quartet/packages/unavailable"
)

// sqlStateError has the method of pgconn.PgError that Is reads.
type sqlStateError string

func (e sqlStateError) Error() string    { return "pg error " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

// apiError has the methods of smithy.APIError that Is reads.
type apiError string

func (e apiError) Error() string     { return "api error " + string(e) }
func (e apiError) ErrorCode() string { return string(e) }

// sendError has the method of smithy-go's RequestSendError that Is reads.
type sendError struct{}

func (sendError) Error() string         { return "request send failed" }
func (sendError) ConnectionError() bool { return true }

// mongoError has the methods of the mongo driver's ServerError that Is reads.
type mongoError struct {
	code  int
	label string
}

func (e mongoError) Error() string                            { return fmt.Sprintf("mongo error %d %s", e.code, e.label) }
func (e mongoError) HasErrorCode(code int) bool               { return e.code == code }
func (e mongoError) HasErrorLabel(l string) bool              { return e.label == l }
func (e mongoError) HasErrorMessage(string) bool              { return false }
func (e mongoError) HasErrorCodeWithMessage(int, string) bool { return false }

// poolError is the MongoDB driver's pool cleared error as it behaves: it
// names the failure behind it in its text only, and says it is retryable.
type poolError struct{ retryable bool }

func (e poolError) Error() string   { return "connection pool for 127.0.0.1:27017 was cleared" }
func (e poolError) Retryable() bool { return e.retryable }

// refused returns the real error of dialing a port nobody listens on.
func refused(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		t.Fatal("dial of a closed port succeeded")
	}
	return err
}

// deadline returns the real error of reading past a deadline.
func deadline(t *testing.T) error {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err := a.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v", err)
	}
	return err
}

func TestIs(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"a bug", errors.New("nil map"), false},
		{"caller canceled", context.Canceled, false},
		{"wrapped cancel", fmt.Errorf("query: %w", context.Canceled), false},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"net timeout", fmt.Errorf("read: %w", deadline(t)), true},
		{"refused", fmt.Errorf("dial: %w", refused(t)), true},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{"broken pipe", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}, true},
		{"bad conn", fmt.Errorf("exec: %w", driver.ErrBadConn), true},
		{"cut response", fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), true},
		{"pg statement timeout", fmt.Errorf("select: %w", sqlStateError("57014")), true},
		{"pg admin shutdown", sqlStateError("57P01"), true},
		{"pg too many connections", sqlStateError("53300"), true},
		{"pg lock timeout", sqlStateError("55P03"), true},
		{"pg connection failure", sqlStateError("08006"), true},
		{"pg unique violation", sqlStateError("23505"), false},
		{"pg syntax error", sqlStateError("42601"), false},
		{"dynamo throughput", fmt.Errorf("put: %w", apiError("ProvisionedThroughputExceededException")), true},
		{"dynamo throttling", apiError("ThrottlingException"), true},
		{"dynamo request limit", apiError("RequestLimitExceeded"), true},
		{"dynamo condition", apiError("ConditionalCheckFailedException"), false},
		{"dynamo validation", apiError("ValidationException"), false},
		{"aws send failed", fmt.Errorf("query: %w", sendError{}), true},
		{"mongo network", mongoError{label: "NetworkError"}, true},
		{"mongo shutdown", mongoError{code: 91}, true},
		{"mongo duplicate key", mongoError{code: 11000}, false},
		{"mongo pool cleared", fmt.Errorf("find product: %w", poolError{retryable: true}), true},
		{"not retryable", poolError{}, false},
		{"marked", fmt.Errorf("catalog: %w", unavailable.Mark(errors.New("status 502"))), true},
		{"joined", errors.Join(errors.New("a"), unavailable.Mark(errors.New("b"))), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := unavailable.Is(tt.err); got != tt.want {
				t.Errorf("Is(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestMark(t *testing.T) {
	if unavailable.Mark(nil) != nil {
		t.Error("Mark(nil) is not nil")
	}
	sentinel := errors.New("sentinel")
	err := unavailable.Mark(sentinel)
	if !errors.Is(err, sentinel) || err.Error() != "sentinel" {
		t.Errorf("Mark(sentinel) = %v: want it to match and read as sentinel", err)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	if want := strconv.Itoa(int(unavailable.RetryAfter / time.Second)); unavailable.RetryAfterHeader != want {
		t.Errorf("RetryAfterHeader = %q, want whole seconds of RetryAfter", unavailable.RetryAfterHeader)
	}
}
