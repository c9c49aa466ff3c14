package httpapi

import (
	"net/http"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/reviews/internal/reviews"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	{Err: reviews.ErrNotAuthor, Status: http.StatusForbidden},
	{Err: reviews.ErrNotFound, Status: http.StatusNotFound},
	{Err: reviews.ErrProductNotFound, Status: http.StatusNotFound},
	{Err: reviews.ErrDuplicateReview, Status: http.StatusConflict},
	{Err: reviews.ErrDuplicateVote, Status: http.StatusConflict},
	{Err: reviews.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: reviews.ErrConflict, Status: http.StatusConflict, RetryAfter: optimistic.RetryAfter},
	{Err: reviews.ErrOwnReview, Status: http.StatusUnprocessableEntity},
	{Err: reviews.ErrInvalid, Status: http.StatusUnprocessableEntity},
}
