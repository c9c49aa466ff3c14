package httproute

import (
	"net/http"
	"slices"

	"example.com/quartet/packages/identity"
)

// Handle serves one operation; the error it returns is written as a
// problem by the Handler's fail function.
type Handle = func(http.ResponseWriter, *http.Request) error

// CallerHandle serves an operation for a verified caller.
type CallerHandle = func(http.ResponseWriter, *http.Request, identity.Caller) error

// The functions below say who may call an operation. A context wraps every
// handler of its route table in one of them, so the table shows who may
// call each route, and no handler checks identity itself:
//
//	{Pattern: "GET /v1/products", Handle: httproute.Public(a.listProducts)},
//	{Pattern: "POST /v1/products", Handle: httproute.Admin(a.createProduct)},
//
// API Gateway's JWT authorizer (or the local gateway) has verified the
// token of every route the OpenAPI document secures; these read the
// verified claims and answer 401 (identity.ErrUnauthenticated) without
// them and 403 (identity.ErrForbidden) without the role.

// Public serves an operation anyone may call. API Gateway gives a public
// route no caller, so h gets none.
func Public(h Handle) Handle { return h }

// Authenticated serves an operation any verified caller may call, whatever
// their roles: an account's own documents, say.
func Authenticated(h CallerHandle) Handle {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := identity.FromContext(r.Context())
		if err != nil {
			return err
		}
		return h(w, r, c)
	}
}

// Customer serves an operation for callers with the customer role.
func Customer(h CallerHandle) Handle { return AnyRole(h, identity.RoleCustomer) }

// Admin serves an operation for callers with the admin role.
func Admin(h CallerHandle) Handle { return AnyRole(h, identity.RoleAdmin) }

// AnyRole serves an operation for callers with at least one of roles.
func AnyRole(h CallerHandle, roles ...string) Handle {
	return Authenticated(func(w http.ResponseWriter, r *http.Request, c identity.Caller) error {
		if !slices.ContainsFunc(roles, c.HasRole) {
			return identity.ErrForbidden
		}
		return h(w, r, c)
	})
}
