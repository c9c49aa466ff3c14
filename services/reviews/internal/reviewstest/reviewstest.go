// Package reviewstest is the contract suite of reviews.Store: the one set of
// tests every adapter (memory, MongoDB, FerretDB) must pass, including the
// concurrency cases that prove summaries, helpful counts, the product
// projection and verified purchases stay exact, and the outbox cases that
// prove every change carries its event, and only its event, to the relay.
//
//	func TestStore(t *testing.T) {
//		reviewstest.Run(t, func(t *testing.T) reviews.Store { return newStore(t) })
//	}
package reviewstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/services/reviews/internal/reviews"
)

// workers is the number of goroutines in the concurrency cases.
const workers = 20

// Run runs the contract suite. newStore returns an empty store for one test;
// it is called once per subtest, and tests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) reviews.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, reviews.Store)
	}{
		{"CreateAndRead", testCreateAndRead},
		{"DuplicateReview", testDuplicateReview},
		{"NotFound", testNotFound},
		{"Listings", testListings},
		{"UpdateMovesRating", testUpdate},
		{"UpdateErrorSavesNothing", testUpdateError},
		{"Delete", testDelete},
		{"HelpfulVotes", testHelpfulVotes},
		{"ConcurrentReviews", testConcurrentReviews},
		{"ConcurrentDuplicateReviews", testConcurrentDuplicates},
		{"ConcurrentVotes", testConcurrentVotes},
		{"ConcurrentEdits", testConcurrentEdits},
		{"Outbox", testOutbox},
		{"Tombstones", testTombstones},
		{"CrashBeforePublish", testCrashBeforePublish},
		{"Products", testProducts},
		{"ConcurrentProducts", testConcurrentProducts},
		{"VerifiedPurchases", testVerifiedPurchases},
		{"ConcurrentVerify", testConcurrentVerify},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

var base = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// mustCreate stores a review of productID by author with rating.
func mustCreate(t *testing.T, s reviews.Store, productID, author string, rating int) reviews.Review {
	t.Helper()
	r, err := reviews.NewReview{
		ProductID: productID, Author: reviews.Author{Subject: author, Name: "Name of " + author},
		Rating: rating, Title: fmt.Sprintf("%d stars", rating), Body: "Body.",
	}.Create(newID(t), base)
	if err != nil {
		t.Fatalf("NewReview.Create: %v", err)
	}
	stored, err := s.CreateReview(context.Background(), r, submitted(t, r))
	if err != nil {
		t.Fatalf("CreateReview: %v", err)
	}
	if stored != r {
		t.Errorf("CreateReview stored %+v, want %+v", stored, r)
	}
	return r
}

func checkSummary(t *testing.T, s reviews.Store, productID string, want [reviews.MaxRating]int) {
	t.Helper()
	got, err := s.Summary(context.Background(), productID)
	if err != nil {
		t.Fatalf("Summary: %v", err)
	}
	if got.ProductID != productID || got.Histogram != want {
		t.Errorf("Summary = %+v, want product %s histogram %v", got, productID, want)
	}
}

func testCreateAndRead(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	checkSummary(t, s, product, [5]int{})
	want := mustCreate(t, s, product, "alice", 4)
	got, err := s.Review(ctx, want.ID)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	if got != want {
		t.Errorf("Review = %+v, want %+v", got, want)
	}
	mustCreate(t, s, product, "bob", 2)
	mustCreate(t, s, newID(t), "alice", 5) // another product
	checkSummary(t, s, product, [5]int{0, 1, 0, 1, 0})
}

func testDuplicateReview(t *testing.T, s reviews.Store) {
	product := newID(t)
	mustCreate(t, s, product, "alice", 4)
	r, _ := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 1, Title: "again"}.Create(newID(t), base)
	if _, err := s.CreateReview(context.Background(), r, submitted(t, r)); !errors.Is(err, reviews.ErrDuplicateReview) {
		t.Fatalf("second CreateReview: err = %v, want ErrDuplicateReview", err)
	}
	checkSummary(t, s, product, [5]int{0, 0, 0, 1, 0})
}

func testNotFound(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	id := newID(t)
	if _, err := s.Review(ctx, id); !errors.Is(err, reviews.ErrNotFound) {
		t.Errorf("Review: err = %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateReview(ctx, id, revise(func(*reviews.Review) error { return nil })); !errors.Is(err, reviews.ErrNotFound) {
		t.Errorf("UpdateReview: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteReview(ctx, id, withdraw(func(reviews.Review) error { return nil })); !errors.Is(err, reviews.ErrNotFound) {
		t.Errorf("DeleteReview: err = %v, want ErrNotFound", err)
	}
	if _, err := s.AddHelpfulVote(ctx, id, "bob"); !errors.Is(err, reviews.ErrNotFound) {
		t.Errorf("AddHelpfulVote: err = %v, want ErrNotFound", err)
	}
}

func testListings(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	ratings := []int{3, 5, 3, 1, 5, 4, 3}
	helpful := []int{0, 2, 2, 1, 0, 3, 2}
	var all []reviews.Review
	for i, rating := range ratings {
		r := mustCreate(t, s, product, fmt.Sprintf("author-%d", i), rating)
		for v := range helpful[i] {
			var err error
			if r, err = s.AddHelpfulVote(ctx, r.ID, fmt.Sprintf("voter-%d", v)); err != nil {
				t.Fatalf("AddHelpfulVote: %v", err)
			}
		}
		all = append(all, r)
	}
	mustCreate(t, s, newID(t), "author-0", 5) // another product's review

	for _, sort := range []reviews.Sort{reviews.SortNewest, reviews.SortHelpful, reviews.SortRating} {
		t.Run(string(sort), func(t *testing.T) {
			want := slices.Clone(all)
			slices.SortFunc(want, func(a, b reviews.Review) int {
				if ka, kb := sort.Key(a), sort.Key(b); ka != kb {
					return kb - ka
				}
				return -cmpString(a.ID, b.ID)
			})
			var got []reviews.Review
			q := reviews.Query{ProductID: product, Sort: sort, Limit: 2}
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatal("pagination does not end")
				}
				page, err := s.Reviews(ctx, q)
				if err != nil {
					t.Fatalf("Reviews: %v", err)
				}
				got = append(got, page.Reviews...)
				if page.Next == nil {
					break
				}
				q.After = page.Next
			}
			if !slices.Equal(ids(got), ids(want)) {
				t.Errorf("listing by %s = %v, want %v", sort, ids(got), ids(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("listed reviews differ from the stored ones")
			}
		})
	}

	page, err := s.Reviews(ctx, reviews.Query{ProductID: newID(t), Sort: reviews.SortNewest, Limit: 10})
	if err != nil || len(page.Reviews) != 0 || page.Next != nil {
		t.Errorf("Reviews of a product without reviews = %+v, %v; want an empty last page", page, err)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func ids(rs []reviews.Review) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testUpdate(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	r := mustCreate(t, s, product, "alice", 2)
	r, err := s.AddHelpfulVote(ctx, r.ID, "bob")
	if err != nil {
		t.Fatalf("AddHelpfulVote: %v", err)
	}
	rating, title := 5, "Changed my mind"
	got, err := s.UpdateReview(ctx, r.ID, revise(func(r *reviews.Review) error {
		return reviews.Patch{Rating: &rating, Title: &title}.Apply(r, base.Add(time.Hour))
	}))
	if err != nil {
		t.Fatalf("UpdateReview: %v", err)
	}
	want := r
	want.Rating, want.Title, want.Version, want.UpdatedAt = 5, title, 2, base.Add(time.Hour)
	if got != want {
		t.Errorf("UpdateReview = %+v, want %+v", got, want)
	}
	if stored, _ := s.Review(ctx, r.ID); stored != want {
		t.Errorf("stored review = %+v, want %+v", stored, want)
	}
	checkSummary(t, s, product, [5]int{0, 0, 0, 0, 1})
}

func testUpdateError(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	r := mustCreate(t, s, product, "alice", 2)
	refuse := errors.New("refused")
	_, err := s.UpdateReview(ctx, r.ID, revise(func(r *reviews.Review) error {
		r.Rating = 5
		return refuse
	}))
	if !errors.Is(err, refuse) {
		t.Fatalf("UpdateReview: err = %v, want the update's error", err)
	}
	if stored, _ := s.Review(ctx, r.ID); stored != r {
		t.Errorf("stored review = %+v, want it unchanged %+v", stored, r)
	}
	checkSummary(t, s, product, [5]int{0, 1, 0, 0, 0})
}

func testDelete(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	r := mustCreate(t, s, product, "alice", 3)
	mustCreate(t, s, product, "bob", 4)
	if _, err := s.AddHelpfulVote(ctx, r.ID, "bob"); err != nil {
		t.Fatalf("AddHelpfulVote: %v", err)
	}
	refuse := errors.New("refused")
	if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return refuse })); !errors.Is(err, refuse) {
		t.Fatalf("DeleteReview with a refusing check: err = %v, want its error", err)
	}
	checkSummary(t, s, product, [5]int{0, 0, 1, 1, 0})
	var checked reviews.Review
	if err := s.DeleteReview(ctx, r.ID, withdraw(func(r reviews.Review) error { checked = r; return nil })); err != nil {
		t.Fatalf("DeleteReview: %v", err)
	}
	if checked.ID != r.ID || checked.HelpfulCount != 1 {
		t.Errorf("check saw %+v, want the stored review", checked)
	}
	if _, err := s.Review(ctx, r.ID); !errors.Is(err, reviews.ErrNotFound) {
		t.Errorf("Review after delete: err = %v, want ErrNotFound", err)
	}
	checkSummary(t, s, product, [5]int{0, 0, 0, 1, 0})
	// The author may review the product again.
	mustCreate(t, s, product, "alice", 1)
	checkSummary(t, s, product, [5]int{1, 0, 0, 1, 0})
}

func testHelpfulVotes(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	r := mustCreate(t, s, newID(t), "alice", 3)
	got, err := s.AddHelpfulVote(ctx, r.ID, "bob")
	if err != nil {
		t.Fatalf("AddHelpfulVote: %v", err)
	}
	if got.HelpfulCount != 1 || got.Version != r.Version {
		t.Errorf("after a vote: helpful %d version %d, want 1 and %d (votes are not edits)", got.HelpfulCount, got.Version, r.Version)
	}
	if _, err := s.AddHelpfulVote(ctx, r.ID, "bob"); !errors.Is(err, reviews.ErrDuplicateVote) {
		t.Errorf("second vote: err = %v, want ErrDuplicateVote", err)
	}
	if got, _ := s.Review(ctx, r.ID); got.HelpfulCount != 1 {
		t.Errorf("helpful count = %d after a refused second vote, want 1", got.HelpfulCount)
	}
}

// testConcurrentReviews has 20 customers review one product at once.
func testConcurrentReviews(t *testing.T, s reviews.Store) {
	product := newID(t)
	var want [reviews.MaxRating]int
	var wg sync.WaitGroup
	for i := range workers {
		rating := i%reviews.MaxRating + 1
		want[rating-1]++
		wg.Go(func() {
			r, err := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: fmt.Sprintf("c%d", i), Name: "C"},
				Rating: rating, Title: "t"}.Create(uuid.Must(uuid.NewV7()).String(), base)
			if err == nil {
				err = createErr(s, r)
			}
			if err != nil {
				t.Errorf("customer %d: CreateReview: %v", i, err)
			}
		})
	}
	wg.Wait()
	checkSummary(t, s, product, want)
}

// testConcurrentDuplicates has one customer submit the same review 20
// times at once: exactly one is stored.
func testConcurrentDuplicates(t *testing.T, s reviews.Store) {
	product := newID(t)
	var mu sync.Mutex
	created, conflicts := 0, 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			r, err := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: "alice", Name: "A"},
				Rating: 5, Title: "t"}.Create(uuid.Must(uuid.NewV7()).String(), base)
			if err == nil {
				err = createErr(s, r)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, reviews.ErrDuplicateReview):
				conflicts++
			default:
				t.Errorf("CreateReview: %v", err)
			}
		})
	}
	wg.Wait()
	if created != 1 || conflicts != workers-1 {
		t.Errorf("created %d, conflicts %d; want 1 and %d", created, conflicts, workers-1)
	}
	checkSummary(t, s, product, [5]int{0, 0, 0, 0, 1})
}

// testConcurrentVotes has 20 customers vote one review helpful at once,
// and each of them a second time.
func testConcurrentVotes(t *testing.T, s reviews.Store) {
	r := mustCreate(t, s, newID(t), "alice", 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	duplicates := 0
	for i := range 2 * workers {
		wg.Go(func() {
			_, err := s.AddHelpfulVote(context.Background(), r.ID, fmt.Sprintf("voter-%d", i%workers))
			switch {
			case errors.Is(err, reviews.ErrDuplicateVote):
				mu.Lock()
				duplicates++
				mu.Unlock()
			case err != nil:
				t.Errorf("AddHelpfulVote: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := s.Review(context.Background(), r.ID)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	if got.HelpfulCount != workers || duplicates != workers {
		t.Errorf("helpful count %d, duplicate votes %d; want %d and %d", got.HelpfulCount, duplicates, workers, workers)
	}
}

// testConcurrentEdits has 20 writers change one review's rating at once:
// whatever order they win in, the summary counts the review exactly once,
// at its final rating.
func testConcurrentEdits(t *testing.T, s reviews.Store) {
	product := newID(t)
	r := mustCreate(t, s, product, "alice", 1)
	mustCreate(t, s, product, "bob", 3)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			rating := i%reviews.MaxRating + 1
			_, err := s.UpdateReview(context.Background(), r.ID, revise(func(r *reviews.Review) error {
				return reviews.Patch{Rating: &rating}.Apply(r, base)
			}))
			if err != nil && !errors.Is(err, reviews.ErrConflict) {
				t.Errorf("UpdateReview: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := s.Review(context.Background(), r.ID)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	want := [reviews.MaxRating]int{}
	want[2]++
	want[got.Rating-1]++
	checkSummary(t, s, product, want)
}
