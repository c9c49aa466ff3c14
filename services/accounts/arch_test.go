package accounts_test

import (
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestArchitecture fails when the accounts domain links an adapter or SDK, when
// a package of this module links another service, or when the Lambda links
// a local stand-in.
func TestArchitecture(t *testing.T) {
	archtest.Service(t, archtest.Layers{
		Name: "accounts",
		// Password hashing is a domain rule (argon2id parameters), not an adapter.
		DomainMayUse: []string{"internal/password", "golang.org/x/crypto/", "golang.org/x/sys/"},
	})
}
