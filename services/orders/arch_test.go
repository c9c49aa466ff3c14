package orders_test

import (
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestArchitecture fails when the orders domain links an adapter or SDK, when
// a package of this module links another service, or when the Lambda links
// a local stand-in.
func TestArchitecture(t *testing.T) {
	archtest.Service(t, archtest.Layers{
		Name: "orders",
		// The envelope of the events the domain makes and consumes:
		// standard library only.
		DomainMayUse: []string{"example.com/quartet/packages/event"},
	})
}
