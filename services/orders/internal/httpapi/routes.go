// Package httpapi is the orders context's HTTP API: its routes, thin
// handlers over orders.Service, the JSON documents they exchange and the
// table that turns errors into RFC 9457 problems. The contract it
// implements is services/orders/openapi.yaml; the API tests check the two
// agree. Every operation acts for the caller, a customer identified by the
// token's subject.
package httpapi

import (
	"log/slog"
	"net/http"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
	"example.com/quartet/services/orders/internal/orders"
)

// api holds what the handlers share.
type api struct {
	svc       *orders.Service
	responder problem.Responder
}

// routes lists every operation of the orders API and who may call it.
func (a *api) routes() []httproute.Route {
	return []httproute.Route{
		{Pattern: "GET /v1/cart", Handle: httproute.Customer(a.getCart)},
		{Pattern: "PUT /v1/cart/items/{productId}", Handle: httproute.Customer(a.setCartItem)},
		{Pattern: "DELETE /v1/cart/items/{productId}", Handle: httproute.Customer(a.removeCartItem)},
		{Pattern: "POST /v1/orders", Handle: httproute.Customer(a.placeOrder)},
		{Pattern: "GET /v1/orders", Handle: httproute.Customer(a.listOrders)},
		{Pattern: "GET /v1/orders/{id}", Handle: httproute.Customer(a.getOrder)},
		{Pattern: "POST /v1/orders/{id}/cancel", Handle: httproute.Customer(a.cancelOrder)},
	}
}

// Routes returns the patterns New registers, such as "GET /v1/orders/{id}",
// for comparing them with openapi.yaml.
func Routes() []string {
	return httproute.Patterns((&api{}).routes())
}

// New returns the orders HTTP handler. Every response, including those for
// paths or methods it does not serve, is JSON; every error is a problem.
// logger receives one line per request and the cause of every 5xx.
func New(svc *orders.Service, logger *slog.Logger) http.Handler {
	a := &api{svc: svc, responder: problem.Responder{Table: errorTable, Logger: logger, RequestID: requestlog.ID}}
	return httproute.Handler(a.routes(), a.fail, logger)
}
