// Package httpapi is the catalog's HTTP API: its routes, thin handlers over
// catalog.Service, the JSON documents they exchange and the table that turns
// errors into RFC 9457 problems. The contract it implements is
// services/catalog/openapi.yaml; the API tests check the two agree.
package httpapi

import (
	"log/slog"
	"net/http"

	"example.com/quartet/packages/httproute"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/requestlog"
	"example.com/quartet/services/catalog/internal/catalog"
)

// api holds what the handlers share.
type api struct {
	svc       *catalog.Service
	responder problem.Responder
}

// routes lists every operation of the catalog API and who may call it.
func (a *api) routes() []httproute.Route {
	return []httproute.Route{
		{Pattern: "GET /v1/products", Handle: httproute.Public(a.listProducts)},
		{Pattern: "POST /v1/products", Handle: httproute.Admin(a.createProduct)},
		{Pattern: "GET /v1/products/{id}", Handle: httproute.Public(a.getProduct)},
		{Pattern: "PATCH /v1/products/{id}", Handle: httproute.Admin(a.updateProduct)},
		{Pattern: "POST /v1/products/{id}/archive", Handle: httproute.Admin(a.archiveProduct)},
		{Pattern: "POST /v1/products/{id}/stock-adjustments", Handle: httproute.Admin(a.adjustStock)},
		{Pattern: "GET /v1/categories", Handle: httproute.Public(a.listCategories)},
	}
}

// Routes returns the patterns New registers, such as
// "GET /v1/products/{id}", for comparing them with openapi.yaml.
func Routes() []string {
	return httproute.Patterns((&api{}).routes())
}

// New returns the catalog's HTTP handler. Every response, including those
// for paths or methods it does not serve, is JSON; every error is a problem.
// logger receives one line per request and the cause of every 5xx.
func New(svc *catalog.Service, logger *slog.Logger) http.Handler {
	a := &api{svc: svc, responder: problem.Responder{Table: errorTable, Logger: logger, RequestID: requestlog.ID}}
	return httproute.Handler(a.routes(), a.responder.Error, logger)
}
