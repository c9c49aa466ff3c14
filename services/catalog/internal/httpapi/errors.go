package httpapi

import (
	"net/http"

	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
)

// errorTable maps the errors handlers return to statuses. Errors it does
// not match are internal: logged, and shown to clients as a bare 500.
// Validation errors are 422 problems pointing at the request members
// (problem.InvalidFields).
var errorTable = problem.Table{
	{Err: identity.ErrUnauthenticated, Status: http.StatusUnauthorized},
	{Err: identity.ErrForbidden, Status: http.StatusForbidden},
	{Err: catalog.ErrNotFound, Status: http.StatusNotFound},
	{Err: catalog.ErrDuplicateSKU, Status: http.StatusConflict},
	{Err: catalog.ErrArchived, Status: http.StatusConflict},
	{Err: catalog.ErrInsufficientStock, Status: http.StatusConflict},
	{Err: catalog.ErrVersionMismatch, Status: http.StatusPreconditionFailed},
	{Err: catalog.ErrUnknownCategory, Status: http.StatusUnprocessableEntity, Pointer: "/category"},
	{Err: catalog.ErrInvalid, Status: http.StatusUnprocessableEntity},
}
