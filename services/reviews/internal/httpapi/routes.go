// Package httpapi is the reviews context's HTTP API: its routes, thin
// handlers over reviews.Service, the JSON documents they exchange and the
// table that turns errors into RFC 9457 problems. The contract it
// implements is services/reviews/openapi.yaml; the API tests check the two
// agree.
package httpapi

import (
	"log/slog"
	"net/http"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
	"example.com/quartet/services/reviews/internal/reviews"
)

// api holds what the handlers share.
type api struct {
	svc       *reviews.Service
	responder problem.Responder
}

// routes lists every operation of the reviews API and who may call it.
func (a *api) routes() []httproute.Route {
	return []httproute.Route{
		{Pattern: "GET /v1/products/{id}/reviews", Handle: httproute.Public(a.listReviews)},
		{Pattern: "POST /v1/products/{id}/reviews", Handle: httproute.Customer(a.createReview)},
		{Pattern: "GET /v1/products/{id}/rating", Handle: httproute.Public(a.getRating)},
		{Pattern: "GET /v1/reviews/{id}", Handle: httproute.Public(a.getReview)},
		{Pattern: "PATCH /v1/reviews/{id}", Handle: httproute.Customer(a.updateReview)},
		// Its author, or an admin moderating.
		{Pattern: "DELETE /v1/reviews/{id}", Handle: httproute.AnyRole(a.deleteReview, identity.RoleCustomer, identity.RoleAdmin)},
		{Pattern: "POST /v1/reviews/{id}/helpful", Handle: httproute.Customer(a.voteHelpful)},
	}
}

// Routes returns the patterns New registers, such as
// "GET /v1/reviews/{id}", for comparing them with openapi.yaml.
func Routes() []string {
	return httproute.Patterns((&api{}).routes())
}

// New returns the reviews HTTP handler. Every response, including those for
// paths or methods it does not serve, is JSON; every error is a problem.
// logger receives one line per request and the cause of every 5xx.
func New(svc *reviews.Service, logger *slog.Logger) http.Handler {
	a := &api{svc: svc, responder: problem.Responder{Table: errorTable, Logger: logger, RequestID: requestlog.ID}}
	return httproute.Handler(a.routes(), a.responder.Error, logger)
}
