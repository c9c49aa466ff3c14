package memory_test

import (
	"testing"

	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/catalogtest"
	"example.com/quartet/services/catalog/internal/memory"
)

func TestStore(t *testing.T) {
	catalogtest.Run(t, func(*testing.T) catalog.Store { return memory.NewStore() })
}
