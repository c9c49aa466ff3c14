package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/orders/internal/orders"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
// Validation errors are 422 problems pointing at the request members, or
// at the Idempotency-Key header by its name (problem.InvalidFields).
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	{Err: orders.ErrNotFound, Status: http.StatusNotFound},
	{Err: orders.ErrKeyInProgress, Status: http.StatusConflict},
	{Err: orders.ErrClaimLost, Status: http.StatusConflict},
	{Err: orders.ErrConflict, Status: http.StatusConflict, RetryAfter: optimistic.RetryAfter},
	{Err: orders.ErrNotCancellable, Status: http.StatusConflict},
	{Err: orders.ErrNotPending, Status: http.StatusConflict},
	{Err: orders.ErrKeyReused, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrUnknownProduct, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrProductUnavailable, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrCurrencyMismatch, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrCartFull, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrEmptyCart, Status: http.StatusUnprocessableEntity},
	{Err: orders.ErrInvalid, Status: http.StatusUnprocessableEntity},
}

// fail writes err through the shared problem path; a key in progress says
// how long its claim still holds.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, orders.ErrKeyInProgress) {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	a.responder.Error(w, r, err)
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
