package memory_test

import (
	"testing"

	"example.com/quartet/services/reviews/internal/memory"
	"example.com/quartet/services/reviews/internal/reviews"
	"example.com/quartet/services/reviews/internal/reviewstest"
)

func TestStore(t *testing.T) {
	reviewstest.Run(t, func(*testing.T) reviews.Store { return memory.NewStore() })
}
