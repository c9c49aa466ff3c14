package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"example.com/quartet/packages/identity"
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
	{Err: reviews.ErrDuplicateReview, Status: http.StatusConflict},
	{Err: reviews.ErrDuplicateVote, Status: http.StatusConflict},
	{Err: reviews.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: reviews.ErrOwnReview, Status: http.StatusUnprocessableEntity},
	{Err: reviews.ErrInvalid, Status: http.StatusUnprocessableEntity},
}

// fail writes err as a problem. Validation errors become 422 problems that
// point into the request body.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ve, ok := errors.AsType[*reviews.ValidationError](err); ok {
		fields := make([]problem.FieldError, len(ve.Fields))
		for i, f := range ve.Fields {
			fields[i] = problem.FieldError{Pointer: "/" + strings.ReplaceAll(f.Field, ".", "/"), Detail: f.Reason}
		}
		err = problem.Invalid("some members of the request body are not valid", fields...)
	}
	if errors.Is(err, identity.ErrUnauthenticated) {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	a.responder.Error(w, r, err)
}
