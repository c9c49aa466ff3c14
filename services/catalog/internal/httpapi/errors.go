package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	{Err: catalog.ErrNotFound, Status: http.StatusNotFound},
	{Err: catalog.ErrDuplicateSKU, Status: http.StatusConflict},
	{Err: catalog.ErrArchived, Status: http.StatusConflict},
	{Err: catalog.ErrInsufficientStock, Status: http.StatusConflict},
	{Err: catalog.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: catalog.ErrUnknownCategory, Status: http.StatusUnprocessableEntity},
	{Err: catalog.ErrInvalid, Status: http.StatusUnprocessableEntity},
}

// fail writes err as a problem. Errors about request members become 422
// problems that point at them.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ve, ok := errors.AsType[*catalog.ValidationError](err); ok {
		err = bodyProblem(ve)
	} else if errors.Is(err, catalog.ErrUnknownCategory) {
		err = problem.Invalid("some members of the request body are not valid",
			problem.FieldError{Pointer: "/category", Detail: "is not a category of this catalog"})
	}
	if errors.Is(err, identity.ErrUnauthenticated) {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	a.responder.Error(w, r, err)
}

// bodyProblem turns a validation error into a 422 problem whose errors
// point into the request body: field "price.currency" is "/price/currency".
func bodyProblem(ve *catalog.ValidationError) *problem.Problem {
	fields := make([]problem.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = problem.FieldError{Pointer: "/" + strings.ReplaceAll(f.Field, ".", "/"), Detail: f.Reason}
	}
	return problem.Invalid("some members of the request body are not valid", fields...)
}
