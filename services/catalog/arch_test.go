package catalog_test

import (
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestArchitecture fails when the catalog domain links an adapter or SDK, when
// a package of this module links another service, or when the Lambda links
// a local stand-in.
func TestArchitecture(t *testing.T) {
	archtest.Service(t, archtest.Layers{
		Name: "catalog",
	})
}
