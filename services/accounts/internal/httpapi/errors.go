package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/accounts/internal/accounts"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: accounts.ErrBadCredentials, Status: http.StatusUnauthorized},
	{Err: accounts.ErrThrottled, Status: http.StatusTooManyRequests},
	{Err: accounts.ErrNotFound, Status: http.StatusNotFound},
	{Err: accounts.ErrAddressNotFound, Status: http.StatusNotFound},
	{Err: accounts.ErrDuplicateEmail, Status: http.StatusConflict},
	{Err: accounts.ErrTooManyAddresses, Status: http.StatusConflict},
	{Err: accounts.ErrConflict, Status: http.StatusConflict},
	{Err: accounts.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: accounts.ErrInvalid, Status: http.StatusUnprocessableEntity},
}

// fail writes err as a problem. Validation errors become 422 problems that
// point at the request members; a throttled sign-in says when to retry.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ve, ok := errors.AsType[*accounts.ValidationError](err); ok {
		err = bodyProblem(ve)
	}
	if te, ok := errors.AsType[*accounts.ThrottledError](err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
	}
	if errors.Is(err, identity.ErrUnauthenticated) || errors.Is(err, accounts.ErrBadCredentials) {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	a.responder.Error(w, r, err)
}

// bodyProblem turns a validation error into a 422 problem whose errors
// point into the request body: field "lines/1" is "/lines/1".
func bodyProblem(ve *accounts.ValidationError) *problem.Problem {
	fields := make([]problem.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = problem.FieldError{Pointer: "/" + f.Field, Detail: f.Reason}
	}
	return problem.Invalid("some members of the request body are not valid", fields...)
}
