package memory_test

import (
	"testing"

	"example.com/quartet/services/orders/internal/memory"
	"example.com/quartet/services/orders/internal/orderstest"
)

func TestStore(t *testing.T) {
	orderstest.Run(t, func(*testing.T) orderstest.Store { return memory.NewStore() })
}
