package reviews_test

import (
	"context"
	"errors"
	"testing"

	"example.com/quartet/services/reviews/internal/memory"
	"example.com/quartet/services/reviews/internal/reviews"
)

func TestService(t *testing.T) {
	ctx := context.Background()
	svc := reviews.NewService(memory.NewStore())
	n := validNewReview()
	r, err := svc.CreateReview(ctx, n)
	if err != nil {
		t.Fatalf("CreateReview: %v", err)
	}
	if !reviews.ValidID(r.ID) {
		t.Errorf("review id %q is not a UUID", r.ID)
	}

	rating := 1
	patch := reviews.Patch{Rating: &rating}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"edit by someone else", func() error { _, err := svc.UpdateReview(ctx, "bob", r.ID, at(1), patch); return err }(), reviews.ErrNotAuthor},
		{"edit at a stale version", func() error { _, err := svc.UpdateReview(ctx, "alice", r.ID, at(7), patch); return err }(), reviews.ErrVersionMismatch},
		{"edit a malformed id", func() error { _, err := svc.UpdateReview(ctx, "alice", "x", at(1), patch); return err }(), reviews.ErrNotFound},
		{"vote for one's own review", func() error { _, err := svc.VoteHelpful(ctx, "alice", r.ID); return err }(), reviews.ErrOwnReview},
		{"delete by someone else", svc.DeleteReview(ctx, "bob", false, r.ID, anyVersion), reviews.ErrNotAuthor},
		{"review a malformed product id", func() error {
			n := validNewReview()
			n.ProductID = "nope"
			_, err := svc.CreateReview(ctx, n)
			return err
		}(), reviews.ErrInvalid},
		{"list with limit 0", func() error {
			_, err := svc.Reviews(ctx, reviews.Query{ProductID: n.ProductID, Sort: reviews.SortNewest})
			return err
		}(), reviews.ErrInvalid},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, tt.err, tt.want)
		}
	}

	if _, err := svc.VoteHelpful(ctx, "bob", r.ID); err != nil {
		t.Errorf("VoteHelpful by another customer: %v", err)
	}
	if err := svc.DeleteReview(ctx, "admin-1", true, r.ID, anyVersion); err != nil {
		t.Errorf("DeleteReview by an admin: %v", err)
	}
	if s, err := svc.Summary(ctx, n.ProductID); err != nil || s.Count() != 0 {
		t.Errorf("Summary after delete = %+v, %v; want no reviews", s, err)
	}
}

// at is an If-Match of one version; anyVersion is "*" or no If-Match.
func at(version int) func(int) bool { return func(v int) bool { return v == version } }

func anyVersion(int) bool { return true }
