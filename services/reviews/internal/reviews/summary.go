package reviews

// Summary is a product's rating summary: how many reviews give it each
// rating. The count and the average derive from the histogram, so the three
// can never disagree.
type Summary struct {
	ProductID string
	Histogram [MaxRating]int // Histogram[r-1] reviews rate the product r stars
}

// Count returns the number of reviews.
func (s Summary) Count() int {
	n := 0
	for _, c := range s.Histogram {
		n += c
	}
	return n
}

// Average returns the mean rating, or 0 when there are no reviews.
func (s Summary) Average() float64 {
	n, sum := 0, 0
	for i, c := range s.Histogram {
		n += c
		sum += (i + 1) * c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Add counts delta more reviews (fewer when negative) with the given rating.
func (s *Summary) Add(rating, delta int) { s.Histogram[rating-1] += delta }
