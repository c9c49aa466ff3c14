package catalog_test

import (
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestArchitecture fails when the catalog domain links an adapter or SDK
// (the event envelope and the outbox relay aside), when
// a package of this module links another service, or when the Lambda links
// a local stand-in.
func TestArchitecture(t *testing.T) {
	archtest.Service(t, archtest.Layers{
		Name: "catalog",
		// The domain announces its changes in events and hands them to
		// the relay; both packages need only the standard library.
		DomainMayUse: []string{archtest.Root + "packages/event", archtest.Root + "packages/outbox"},
	})
}
