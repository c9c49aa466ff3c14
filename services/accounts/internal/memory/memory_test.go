package memory_test

import (
	"testing"

	"example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/accountstest"
	"example.com/quartet/services/accounts/internal/memory"
)

func TestStore(t *testing.T) {
	accountstest.Run(t, func(*testing.T) accounts.Store { return memory.NewStore() }, accountstest.Options{})
}
