package httpapi

import (
	"net/http"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/accounts/internal/accounts"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
// Validation errors are 422 problems pointing at the request members
// (problem.InvalidFields); a throttled sign-in says when to retry
// (accounts.ThrottledError is a problem.RetryAfterError).
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: accounts.ErrBadCredentials, Status: http.StatusUnauthorized},
	{Err: accounts.ErrThrottled, Status: http.StatusTooManyRequests},
	{Err: accounts.ErrNotFound, Status: http.StatusNotFound},
	{Err: accounts.ErrAddressNotFound, Status: http.StatusNotFound},
	{Err: accounts.ErrDuplicateEmail, Status: http.StatusConflict},
	{Err: accounts.ErrTooManyAddresses, Status: http.StatusConflict},
	{Err: accounts.ErrConflict, Status: http.StatusConflict, RetryAfter: optimistic.RetryAfter},
	{Err: accounts.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: accounts.ErrInvalid, Status: http.StatusUnprocessableEntity},
}
