// Package httpapi is the accounts context's HTTP API: its routes, thin
// handlers over accounts.Service and token.Issuer, the JSON documents they
// exchange and the table that turns errors into RFC 9457 problems. The
// contract it implements is services/accounts/openapi.yaml; the API tests
// check the two agree.
//
// Request bodies are never logged: they carry passwords. Neither are
// tokens: the request log holds method, path, status and timing only.
package httpapi

import (
	"log/slog"
	"net/http"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
	"example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/token"
)

// api holds what the handlers share.
type api struct {
	svc       *accounts.Service
	tokens    token.Issuer
	responder problem.Responder
}

// routes lists every operation of the accounts API and who may call it:
// every signed-in account has its own documents under /v1/me.
func (a *api) routes() []httproute.Route {
	return []httproute.Route{
		{Pattern: "POST /v1/accounts", Handle: httproute.Public(a.signUp)},
		{Pattern: "POST /v1/sessions", Handle: httproute.Public(a.signIn)},
		{Pattern: "GET /v1/me", Handle: httproute.Authenticated(a.getMe)},
		{Pattern: "PATCH /v1/me", Handle: httproute.Authenticated(a.updateMe)},
		{Pattern: "GET /v1/me/addresses", Handle: httproute.Authenticated(a.listAddresses)},
		{Pattern: "POST /v1/me/addresses", Handle: httproute.Authenticated(a.addAddress)},
		{Pattern: "PUT /v1/me/addresses/{id}", Handle: httproute.Authenticated(a.replaceAddress)},
		{Pattern: "DELETE /v1/me/addresses/{id}", Handle: httproute.Authenticated(a.deleteAddress)},
		{Pattern: "GET " + token.JWKSPath, Handle: httproute.Public(a.jwks)},
		{Pattern: "GET " + token.DiscoveryPath, Handle: httproute.Public(a.discovery)},
	}
}

// Routes returns the patterns New registers, such as "GET /v1/me", for
// comparing them with openapi.yaml.
func Routes() []string {
	return httproute.Patterns((&api{}).routes())
}

// New returns the accounts HTTP handler. Every response, including those
// for paths or methods it does not serve, is JSON; every error is a
// problem. logger receives one line per request and the cause of every
// 5xx.
func New(svc *accounts.Service, tokens token.Issuer, logger *slog.Logger) http.Handler {
	a := &api{svc: svc, tokens: tokens, responder: problem.Responder{Table: errorTable, Logger: logger, RequestID: requestlog.ID}}
	return httproute.Handler(a.routes(), a.responder.Error, logger)
}
