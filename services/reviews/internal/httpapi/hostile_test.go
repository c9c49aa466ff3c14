package httpapi_test

import (
	"testing"

	"example.com/quartet/packages/apitest"
)

// TestHostileInput sends every route a battery of bad requests: none may
// answer 5xx, and every 4xx must be a problem the document allows.
func TestHostileInput(t *testing.T) {
	api := newAPI(t)
	r, _ := create(t, api, alice, 4)
	d, _ := create(t, api, bob, 2) // for DELETE, which ends it
	reviews := "/v1/products/" + product
	apitest.Hostile(t, api, apitest.HostileOptions{
		Claims: alice,
		// A vote for one's own review is refused before the vote is read.
		RouteClaims: map[string]apitest.Claims{"POST /v1/reviews/{id}/helpful": bob, "DELETE /v1/reviews/{id}": bob},
		Paths: map[string]string{
			"GET /v1/products/{id}/reviews":  reviews + "/reviews",
			"POST /v1/products/{id}/reviews": reviews + "/reviews",
			"GET /v1/products/{id}/rating":   reviews + "/rating",
			"GET /v1/reviews/{id}":           "/v1/reviews/" + r.ID,
			"PATCH /v1/reviews/{id}":         "/v1/reviews/" + r.ID,
			"DELETE /v1/reviews/{id}":        "/v1/reviews/" + d.ID,
			"POST /v1/reviews/{id}/helpful":  "/v1/reviews/" + r.ID + "/helpful",
		},
		Headers: map[string]string{"If-Match": `"1"`},
		Bodies: map[string]string{
			"POST /v1/products/{id}/reviews": `{"rating":5,"title":"Great","body":"Keeps coffee warm."}`,
			"PATCH /v1/reviews/{id}":         `{"rating":3,"title":"Fine"}`,
		},
	})
}
