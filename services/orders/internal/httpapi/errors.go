package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/orders/internal/orders"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	{Err: orders.ErrNotFound, Status: http.StatusNotFound},
	{Err: orders.ErrKeyInProgress, Status: http.StatusConflict},
	{Err: orders.ErrClaimLost, Status: http.StatusConflict},
	{Err: orders.ErrConflict, Status: http.StatusConflict},
	{Err: orders.ErrNotPending, Status: http.StatusConflict},
	{Err: orders.ErrKeyReused, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrUnknownProduct, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrProductUnavailable, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrCurrencyMismatch, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrCartFull, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrEmptyCart, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrInvalid, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrCatalogUnavailable, Status: http.StatusServiceUnavailable},
}

// fail writes err as a problem. Validation errors become 422 problems that
// point at the invalid members.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ve, ok := errors.AsType[*orders.ValidationError](err); ok {
		err = invalidProblem(ve)
	}
	switch {
	case errors.Is(err, identity.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", "Bearer")
	case errors.Is(err, orders.ErrKeyInProgress):
		w.Header().Set("Retry-After", retryAfter(err))
	}
	a.responder.Error(w, r, err)
}

// invalidProblem turns a validation error into a 422 problem. A body
// member "shippingAddress.city" is pointed at as "/shippingAddress/city"; a
// header (capitalised, "Idempotency-Key") by its name.
func invalidProblem(ve *orders.ValidationError) *problem.Problem {
	fields := make([]problem.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		pointer := f.Field
		if f.Field[0] >= 'a' && f.Field[0] <= 'z' {
			pointer = "/" + strings.ReplaceAll(f.Field, ".", "/")
		}
		fields[i] = problem.FieldError{Pointer: pointer, Detail: f.Reason}
	}
	return problem.Invalid("some members of the request are not valid", fields...)
}

// retryAfter is the Retry-After of a 409 for a key in progress: the
// seconds left on the claim that holds it, rounded up, at least 1.
func retryAfter(err error) string {
	seconds := 1
	if e, ok := errors.AsType[*orders.KeyInProgressError](err); ok {
		seconds = max(1, int((e.RetryAfter+time.Second-1)/time.Second))
	}
	return strconv.Itoa(seconds)
}
