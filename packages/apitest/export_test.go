package apitest

import "testing"

// HostileEach runs the battery of Hostile without subtests, so that a test
// can record its failures through tb, and returns the number of requests.
func HostileEach(tb testing.TB, api *API, opts HostileOptions) int {
	n := 0
	for _, route := range api.routes {
		for _, c := range api.hostileCases(route, opts) {
			if route.Secured && !c.anonymous {
				c.req.Claims = opts.Claims
			}
			checkHostile(tb, api, c)
			n++
		}
	}
	return n
}
