package reviews_test

import (
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestArchitecture fails when the reviews domain links an adapter or SDK, when
// a package of this module links another service, or when the Lambda links
// a local stand-in.
func TestArchitecture(t *testing.T) {
	archtest.Service(t, archtest.Layers{
		Name: "reviews",
		// The envelope and the outbox roles: standard library only. The
		// domain builds its events and declares its Store as an outbox.
		DomainMayUse: []string{"example.com/quartet/packages/event", "example.com/quartet/packages/outbox"},
	})
}
