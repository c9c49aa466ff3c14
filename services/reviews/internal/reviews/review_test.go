package reviews_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/quartet/services/reviews/internal/reviews"
)

var now = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

func validNewReview() reviews.NewReview {
	return reviews.NewReview{
		ProductID: "0190a000-0000-7000-8000-000000000001",
		Author:    reviews.Author{Subject: "alice", Name: " Alice "},
		Rating:    4, Title: " Solid ", Body: " Does the job. ",
	}
}

func TestNewReviewCreate(t *testing.T) {
	r, err := validNewReview().Create("id-1", now)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	want := reviews.Review{
		ID: "id-1", ProductID: "0190a000-0000-7000-8000-000000000001",
		Author: reviews.Author{Subject: "alice", Name: "Alice"}, Rating: 4, Title: "Solid", Body: "Does the job.",
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if r != want {
		t.Errorf("Create = %+v, want %+v", r, want)
	}
}

func TestNewReviewCreateInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*reviews.NewReview)
		field  string
	}{
		{"rating 0", func(n *reviews.NewReview) { n.Rating = 0 }, "rating"},
		{"rating 6", func(n *reviews.NewReview) { n.Rating = 6 }, "rating"},
		{"blank title", func(n *reviews.NewReview) { n.Title = "  " }, "title"},
		{"title of 121 characters", func(n *reviews.NewReview) { n.Title = strings.Repeat("é", 121) }, "title"},
		{"body of 5001 characters", func(n *reviews.NewReview) { n.Body = strings.Repeat("b", 5001) }, "body"},
		{"no author", func(n *reviews.NewReview) { n.Author.Subject = "" }, "author.subject"},
		{"no author name", func(n *reviews.NewReview) { n.Author.Name = "" }, "author.name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNewReview()
			tt.change(&n)
			_, err := n.Create("id", now)
			ve, ok := errors.AsType[*reviews.ValidationError](err)
			if !ok || !errors.Is(err, reviews.ErrInvalid) {
				t.Fatalf("Create: err = %v, want a ValidationError", err)
			}
			if len(ve.Fields) != 1 || ve.Fields[0].Field != tt.field {
				t.Errorf("invalid fields = %+v, want only %s", ve.Fields, tt.field)
			}
		})
	}
}

func TestLimitsAreInclusive(t *testing.T) {
	n := validNewReview()
	n.Title, n.Body, n.Rating = strings.Repeat("t", reviews.MaxTitleLen), strings.Repeat("b", reviews.MaxBodyLen), 5
	if _, err := n.Create("id", now); err != nil {
		t.Errorf("Create at the limits: %v", err)
	}
}

func TestPatchApply(t *testing.T) {
	r, _ := validNewReview().Create("id", now)
	later := now.Add(time.Hour)
	rating, body := 2, " Broke after a week. "
	if err := (reviews.Patch{Rating: &rating, Body: &body}).Apply(&r, later); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if r.Rating != 2 || r.Body != "Broke after a week." || r.Title != "Solid" || r.Version != 2 || r.UpdatedAt != later || r.CreatedAt != now {
		t.Errorf("after Apply: %+v", r)
	}

	bad := 9
	before := r
	if err := (reviews.Patch{Rating: &bad}).Apply(&r, later); !errors.Is(err, reviews.ErrInvalid) {
		t.Errorf("Apply rating 9: err = %v, want ErrInvalid", err)
	}
	if r != before {
		t.Errorf("a refused patch changed the review: %+v", r)
	}
}

func TestSummary(t *testing.T) {
	var s reviews.Summary
	if s.Count() != 0 || s.Average() != 0 {
		t.Errorf("empty summary: count %d average %v, want 0 and 0", s.Count(), s.Average())
	}
	s.Add(5, 2)
	s.Add(2, 1)
	s.Add(5, -1)
	if got, want := s.Histogram, [5]int{0, 1, 0, 0, 1}; got != want {
		t.Errorf("histogram = %v, want %v", got, want)
	}
	if s.Count() != 2 || s.Average() != 3.5 {
		t.Errorf("count %d average %v, want 2 and 3.5", s.Count(), s.Average())
	}
}

func TestParseSort(t *testing.T) {
	for in, want := range map[string]reviews.Sort{"": reviews.SortNewest, "newest": reviews.SortNewest,
		"helpful": reviews.SortHelpful, "rating": reviews.SortRating} {
		if got, ok := reviews.ParseSort(in); !ok || got != want {
			t.Errorf("ParseSort(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := reviews.ParseSort("best"); ok {
		t.Error(`ParseSort("best") succeeded`)
	}
}
