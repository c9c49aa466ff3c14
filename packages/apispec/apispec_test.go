package apispec_test

import (
	"net/http"
	"strings"
	"testing"

	"example.com/quartet/packages/apispec"
)

// shop is secured by default; operations opt out with `security: []` or make
// credentials optional with an empty alternative.
const shop = `
openapi: 3.0.3
info: {title: shop, version: "1"}
security:
  - bearer: []
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
paths:
  /v1/products/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getProduct
      security: []
      responses: {"200": {description: ok}}
    put:
      operationId: updateProduct
      responses: {"204": {description: updated}}
    delete:
      responses: {"204": {description: deleted}}
  /v1/products:
    get:
      operationId: listProducts
      security: [{}, {bearer: []}]
      responses: {"200": {description: ok}}
    post:
      operationId: createProduct
      security: [{bearer: []}]
      responses: {"201": {description: created}}
`

func TestRoutes(t *testing.T) {
	got, err := apispec.Routes([]byte(shop))
	if err != nil {
		t.Fatalf("Routes: %v", err)
	}
	want := []apispec.Route{
		{Method: "GET", Path: "/v1/products", OperationID: "listProducts", Secured: false},
		{Method: "POST", Path: "/v1/products", OperationID: "createProduct", Secured: true},
		{Method: "DELETE", Path: "/v1/products/{id}", OperationID: "", Secured: true},
		{Method: "GET", Path: "/v1/products/{id}", OperationID: "getProduct", Secured: false},
		{Method: "PUT", Path: "/v1/products/{id}", OperationID: "updateProduct", Secured: true},
	}
	if len(got) != len(want) {
		t.Fatalf("Routes returned %d routes, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("route %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRoutesPublicByDefault(t *testing.T) {
	const spec = `
openapi: 3.1.0
info: {title: public, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
paths:
  /v1/health:
    get:
      responses: {"200": {description: ok}}
  /v1/me:
    get:
      security: [{bearer: []}]
      responses: {"200": {description: ok}}
`
	got, err := apispec.Routes([]byte(spec))
	if err != nil {
		t.Fatalf("Routes: %v", err)
	}
	want := map[string]bool{"GET /v1/health": false, "GET /v1/me": true}
	if len(got) != len(want) {
		t.Fatalf("Routes = %+v, want keys %v", got, want)
	}
	for _, r := range got {
		if secured, ok := want[r.Key()]; !ok || r.Secured != secured {
			t.Errorf("route %s Secured = %v, want %v (known route: %v)", r.Key(), r.Secured, secured, ok)
		}
	}
}

func TestRoutesDeterministic(t *testing.T) {
	first, err := apispec.Routes([]byte(shop))
	if err != nil {
		t.Fatalf("Routes: %v", err)
	}
	for range 20 {
		again, err := apispec.Routes([]byte(shop))
		if err != nil {
			t.Fatalf("Routes: %v", err)
		}
		for i := range first {
			if again[i] != first[i] {
				t.Fatalf("Routes is not deterministic: route %d is %+v, then %+v", i, first[i], again[i])
			}
		}
	}
}

func TestRouteKeyIsServeMuxPattern(t *testing.T) {
	routes, err := apispec.Routes([]byte(shop))
	if err != nil {
		t.Fatalf("Routes: %v", err)
	}
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.HandleFunc(r.Key(), func(http.ResponseWriter, *http.Request) {})
	}
	req, _ := http.NewRequest(http.MethodPut, "/v1/products/42", nil)
	if _, pattern := mux.Handler(req); pattern != "PUT /v1/products/{id}" {
		t.Errorf("PUT /v1/products/42 matched pattern %q, want %q", pattern, "PUT /v1/products/{id}")
	}
}

func TestRoutesErrors(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		param   string // the path parameter, if any
		wantErr string
	}{
		{"trailing slash", "/v1/products/", "", "must not end"},
		{"root", "/", "", "must not end"},
		{"empty segment", "/v1//products", "", "empty segment"},
		{"partial segment", "/v1/files/{name}.json", "name", "whole {parameter}"},
		{"greedy", "/v1/{proxy+}", "proxy+", "whole {parameter}"},
		{"hyphenated name", "/v1/products/{product-id}", "product-id", "whole {parameter}"},
		{"end anchor", "/v1/{$}", "$", "whole {parameter}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := `
openapi: 3.0.3
info: {title: bad, version: "1"}
paths:
  "` + tt.path + `":
    get:
      responses: {"200": {description: ok}}
`
			if tt.param != "" {
				spec += `      parameters: [{name: "` + tt.param + `", in: path, required: true, schema: {type: string}}]` + "\n"
			}
			_, err := apispec.Routes([]byte(spec))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Routes with path %q: error %v, want one containing %q", tt.path, err, tt.wantErr)
			}
		})
	}

	invalid := map[string]string{
		"not YAML":         "{",
		"no version":       "info: {title: x, version: '1'}\npaths: {}\n",
		"unknown scheme":   "openapi: 3.0.3\ninfo: {title: x, version: '1'}\nsecurity: [{nope: []}]\npaths: {}\n",
		"missing info":     "openapi: 3.0.3\npaths: {}\n",
		"missing response": "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /v1/x:\n    get: {}\n",
	}
	for name, spec := range invalid {
		t.Run(name, func(t *testing.T) {
			if routes, err := apispec.Routes([]byte(spec)); err == nil {
				t.Errorf("Routes(%q) = %+v, want an error", spec, routes)
			}
		})
	}
}
