// Package identity tells a handler who is calling.
//
// Contexts never parse tokens: API Gateway's JWT authorizer (in AWS) or the
// local gateway verifies the bearer token and places its claims in the
// request context at requestContext.authorizer.jwt.claims, flattened to
// strings. This package reads them from there.
package identity

import (
	"context"
	"errors"
	"slices"
	"strings"

	"example.com/quartet/packages/lambdahttp"
)

// Roles a token can carry in its "roles" claim.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
)

var (
	// ErrUnauthenticated means the request carries no verified identity.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden means the caller lacks the role the operation needs.
	ErrForbidden = errors.New("permission denied")
)

// Caller is the verified identity of the client making a request.
type Caller struct {
	Subject string            // the token's "sub": the account id
	Roles   []string          // the token's "roles"
	Claims  map[string]string // every claim, as API Gateway passes them
}

// HasRole reports whether c carries role.
func (c Caller) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// FromContext returns the caller of the request whose context is ctx. It
// returns ErrUnauthenticated when the request has no verified token.
func FromContext(ctx context.Context) (Caller, error) {
	rc, ok := lambdahttp.RequestContext(ctx)
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return Caller{}, ErrUnauthenticated
	}
	claims := rc.Authorizer.JWT.Claims
	if claims["sub"] == "" {
		return Caller{}, ErrUnauthenticated
	}
	return Caller{Subject: claims["sub"], Roles: ParseList(claims["roles"]), Claims: claims}, nil
}

// Require returns the caller when it carries role: ErrUnauthenticated when
// there is no caller, ErrForbidden when the role is missing.
func Require(ctx context.Context, role string) (Caller, error) {
	c, err := FromContext(ctx)
	if err != nil {
		return Caller{}, err
	}
	if !c.HasRole(role) {
		return Caller{}, ErrForbidden
	}
	return c, nil
}

// ParseList reads a list claim as API Gateway flattens it. HTTP APIs turn a
// JSON array into "[a b]"; some authorizers use commas, and a plain string
// holds one value.
func ParseList(v string) []string {
	v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
}
