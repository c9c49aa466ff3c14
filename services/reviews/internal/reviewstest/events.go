package reviewstest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/reviews/internal/reviews"
)

// eventsDir is services/reviews/events, the schemas of the events reviews
// produces.
var eventsDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "events")
}()

// far is a time after every event a test writes: Pending(far) is the whole
// outbox.
var far = time.Now().Add(24 * time.Hour)

// submitted returns the events of creating r.
func submitted(t *testing.T, r reviews.Review) []event.Envelope {
	t.Helper()
	e, err := reviews.Submitted(context.Background(), r, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return []event.Envelope{e}
}

// createErr creates r with its event, for goroutines (no t.Fatal).
func createErr(s reviews.Store, r reviews.Review) error {
	e, err := reviews.Submitted(context.Background(), r, time.Now())
	if err == nil {
		_, err = s.CreateReview(context.Background(), r, []event.Envelope{e})
	}
	return err
}

// revise turns an edit into an update that returns the edit's event, as
// the service does.
func revise(edit func(*reviews.Review) error) func(*reviews.Review) ([]event.Envelope, error) {
	return func(r *reviews.Review) ([]event.Envelope, error) {
		previous := r.Rating
		if err := edit(r); err != nil {
			return nil, err
		}
		e, err := reviews.Revised(context.Background(), *r, previous, time.Now())
		return []event.Envelope{e}, err
	}
}

// withdraw turns a delete's check into one that returns its event.
func withdraw(check func(reviews.Review) error) func(reviews.Review) ([]event.Envelope, error) {
	return func(r reviews.Review) ([]event.Envelope, error) {
		if err := check(r); err != nil {
			return nil, err
		}
		e, err := reviews.Withdrawn(context.Background(), r, time.Now())
		return []event.Envelope{e}, err
	}
}

func pending(t *testing.T, s reviews.Store) []event.Envelope {
	t.Helper()
	events, err := s.Pending(context.Background(), far, 1000)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return events
}

// describe lists events as "Type subject rating…", for comparisons.
func describe(t *testing.T, events []event.Envelope) []string {
	t.Helper()
	var out []string
	for _, e := range events {
		var d struct {
			ReviewID, ProductID, CustomerID string
			PreviousRating, Rating          int
		}
		if err := e.Decode(&d); err != nil {
			t.Fatal(err)
		}
		if d.ReviewID != e.Subject {
			t.Errorf("%s %s: subject %s, reviewId %s; want the same", e.Type, e.ID, e.Subject, d.ReviewID)
		}
		out = append(out, fmt.Sprintf("%s %s %s %d>%d", e.Type, d.ReviewID, d.CustomerID, d.PreviousRating, d.Rating))
	}
	return out
}

func wantOutbox(t *testing.T, s reviews.Store, step string, want ...string) []event.Envelope {
	t.Helper()
	got := pending(t, s)
	if d := describe(t, got); !slices.Equal(d, want) {
		t.Errorf("after %s: outbox = %q, want %q", step, d, want)
	}
	return got
}

func ev(typ string, r reviews.Review, previous, rating int) string {
	return fmt.Sprintf("%s %s %s %d>%d", typ, r.ID, r.Author.Subject, previous, rating)
}

// testOutbox: every change writes its event with it, and nothing else
// does; the events validate against their schemas and come out oldest
// first.
func testOutbox(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	wantOutbox(t, s, "nothing")
	r := mustCreate(t, s, product, "alice", 3)
	sub := ev(reviews.TypeReviewSubmitted, r, 0, 3)
	wantOutbox(t, s, "a create", sub)

	dup, _ := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 1, Title: "again"}.Create(newID(t), base)
	if _, err := s.CreateReview(ctx, dup, submitted(t, dup)); !errors.Is(err, reviews.ErrDuplicateReview) {
		t.Fatalf("duplicate CreateReview: %v", err)
	}
	wantOutbox(t, s, "a refused duplicate", sub)

	refuse := errors.New("refused")
	if _, err := s.UpdateReview(ctx, r.ID, revise(func(*reviews.Review) error { return refuse })); !errors.Is(err, refuse) {
		t.Fatalf("refused UpdateReview: %v", err)
	}
	wantOutbox(t, s, "a refused edit", sub)
	if _, err := s.AddHelpfulVote(ctx, r.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	wantOutbox(t, s, "a helpful vote (no event)", sub)

	five := 5
	if _, err := s.UpdateReview(ctx, r.ID, revise(func(r *reviews.Review) error { return reviews.Patch{Rating: &five}.Apply(r, base) })); err != nil {
		t.Fatal(err)
	}
	rev := ev(reviews.TypeReviewRevised, r, 3, 5)
	wantOutbox(t, s, "an edit", sub, rev)

	if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return refuse })); !errors.Is(err, refuse) {
		t.Fatalf("refused DeleteReview: %v", err)
	}
	wantOutbox(t, s, "a refused delete", sub, rev)
	if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return nil })); err != nil {
		t.Fatal(err)
	}
	r.Rating = 5
	all := wantOutbox(t, s, "a delete", sub, rev, ev(reviews.TypeReviewWithdrawn, r, 0, 5))
	eventtest.CheckProduced(t, eventsDir, all...)
	for i := 1; i < len(all); i++ {
		if all[i].Time.Before(all[i-1].Time) {
			t.Errorf("outbox not oldest first: %s at %v before %s at %v", all[i-1].ID, all[i-1].Time, all[i].ID, all[i].Time)
		}
	}

	// Pending takes only what was written before its time, up to its limit.
	if got, err := s.Pending(ctx, all[0].Time.Add(-time.Second), 10); err != nil || len(got) != 0 {
		t.Errorf("Pending before the first event = %d events, %v; want none", len(got), err)
	}
	if got, err := s.Pending(ctx, far, 2); err != nil || len(got) != 2 || got[0].ID != all[0].ID || got[1].ID != all[1].ID {
		t.Errorf("Pending limited to 2 = %q, %v; want the two oldest", describe(t, got), err)
	}
	// Remove takes exactly what it names; unknown ids are ignored.
	if err := s.Remove(ctx, []string{all[1].ID, newID(t)}); err != nil {
		t.Fatal(err)
	}
	wantOutbox(t, s, "removing the edit's event", sub, ev(reviews.TypeReviewWithdrawn, r, 0, 5))
	if err := s.Remove(ctx, []string{all[0].ID, all[2].ID}); err != nil {
		t.Fatal(err)
	}
	wantOutbox(t, s, "removing the rest")
}

// testTombstones: a deleted review whose event is not published yet is
// invisible to every read and does not stop its author from reviewing
// the product again; publishing its event then removes it for good.
func testTombstones(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	r := mustCreate(t, s, product, "alice", 2)
	other := mustCreate(t, s, product, "bob", 4)
	if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return nil })); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		if _, err := s.Review(ctx, r.ID); !errors.Is(err, reviews.ErrNotFound) {
			t.Errorf("%s: Review of the deleted review: %v, want ErrNotFound", step, err)
		}
		for _, sort := range []reviews.Sort{reviews.SortNewest, reviews.SortHelpful, reviews.SortRating} {
			page, err := s.Reviews(ctx, reviews.Query{ProductID: product, Sort: sort, Limit: 10})
			if err != nil || slices.Contains(ids(page.Reviews), r.ID) {
				t.Errorf("%s: listing by %s = %v, %v; want it without the deleted review", step, sort, ids(page.Reviews), err)
			}
		}
		if _, err := s.UpdateReview(ctx, r.ID, revise(func(*reviews.Review) error { return nil })); !errors.Is(err, reviews.ErrNotFound) {
			t.Errorf("%s: UpdateReview of the deleted review: %v, want ErrNotFound", step, err)
		}
		if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return nil })); !errors.Is(err, reviews.ErrNotFound) {
			t.Errorf("%s: DeleteReview of the deleted review: %v, want ErrNotFound", step, err)
		}
		if _, err := s.AddHelpfulVote(ctx, r.ID, "carol"); !errors.Is(err, reviews.ErrNotFound) {
			t.Errorf("%s: AddHelpfulVote on the deleted review: %v, want ErrNotFound", step, err)
		}
	}
	check("a delete not published")
	checkSummary(t, s, product, [5]int{0, 0, 0, 1, 0})
	again := mustCreate(t, s, product, "alice", 5) // while the tombstone waits
	checkSummary(t, s, product, [5]int{0, 0, 0, 1, 1})
	events := wantOutbox(t, s, "a delete and a new review",
		ev(reviews.TypeReviewSubmitted, r, 0, 2), ev(reviews.TypeReviewSubmitted, other, 0, 4),
		ev(reviews.TypeReviewWithdrawn, r, 0, 2), ev(reviews.TypeReviewSubmitted, again, 0, 5))
	var publishedIDs []string
	for _, e := range events {
		publishedIDs = append(publishedIDs, e.ID)
	}
	if err := s.Remove(ctx, publishedIDs); err != nil {
		t.Fatal(err)
	}
	wantOutbox(t, s, "publishing")
	check("its event published")
	// Deleting the second review leaves a second tombstone of the same
	// author and product beside the first's place: no collision.
	if err := s.DeleteReview(ctx, again.ID, withdraw(func(reviews.Review) error { return nil })); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, product, "alice", 1)
	checkSummary(t, s, product, [5]int{1, 0, 0, 1, 0})
}

// recorder is a bus that keeps what is published to it, or fails.
type recorder struct {
	mu     sync.Mutex
	events []event.Envelope
	fail   error
}

func (r *recorder) Publish(_ context.Context, events []event.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.events = append(r.events, events...)
	return nil
}

// testCrashBeforePublish: changes whose relay never ran (the process died
// right after the write) or could not publish (the bus was down) are
// published by the sweep, exactly those events, oldest first, once.
func testCrashBeforePublish(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product := newID(t)
	a := mustCreate(t, s, product, "alice", 4) // no relay: as if killed after the insert
	b := mustCreate(t, s, product, "bob", 1)
	two := 2
	if _, err := s.UpdateReview(ctx, a.ID, revise(func(r *reviews.Review) error { return reviews.Patch{Rating: &two}.Apply(r, base) })); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteReview(ctx, b.ID, withdraw(func(reviews.Review) error { return nil })); err != nil {
		t.Fatal(err)
	}
	written := pending(t, s)

	// A relay whose bus is down leaves its change's events in the outbox.
	bus := &recorder{fail: errors.New("bus down")}
	relay := outbox.NewRelay(s, bus, nil)
	c := mustCreate(t, s, product, "carol", 5)
	cEvents := pending(t, s)[len(written):]
	relay.After(ctx, cEvents...)
	written = append(written, cEvents...)
	if got := pending(t, s); len(got) != len(written) {
		t.Fatalf("outbox after a failed publish holds %d events, want %d", len(got), len(written))
	}

	bus.fail = nil
	n, err := relay.Sweep(ctx, 0)
	if err != nil || n != len(written) {
		t.Fatalf("Sweep = %d, %v; want %d events published", n, err, len(written))
	}
	want := []string{ev(reviews.TypeReviewSubmitted, a, 0, 4), ev(reviews.TypeReviewSubmitted, b, 0, 1),
		ev(reviews.TypeReviewRevised, a, 4, 2), ev(reviews.TypeReviewWithdrawn, b, 0, 1), ev(reviews.TypeReviewSubmitted, c, 0, 5)}
	if got := describe(t, bus.events); !slices.Equal(got, want) {
		t.Errorf("the sweep published %q, want %q", got, want)
	}
	for i, e := range bus.events {
		if e.ID != written[i].ID || e.CorrelationID != written[i].CorrelationID || string(e.Data) != string(written[i].Data) {
			t.Errorf("published %+v, want the event written %+v", e, written[i])
		}
	}
	eventtest.CheckProduced(t, eventsDir, bus.events...)
	wantOutbox(t, s, "the sweep")
	if n, err := relay.Sweep(ctx, 0); err != nil || n != 0 {
		t.Errorf("second Sweep = %d, %v; want nothing left to publish", n, err)
	}
	// And the relay after a change publishes it at once.
	d := mustCreate(t, s, product, "dave", 3)
	relay.After(ctx, pending(t, s)...)
	if got := describe(t, bus.events[len(want):]); !slices.Equal(got, []string{ev(reviews.TypeReviewSubmitted, d, 0, 3)}) {
		t.Errorf("After published %q, want the new review's event", got)
	}
	wantOutbox(t, s, "After")
}

// testProducts: the product projection keeps the highest version.
func testProducts(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	id := newID(t)
	if _, err := s.Product(ctx, id); !errors.Is(err, reviews.ErrProductNotFound) {
		t.Errorf("Product of an unknown product: %v, want ErrProductNotFound", err)
	}
	for _, step := range []struct {
		p     reviews.Product
		saved bool
		want  reviews.Product
	}{
		{reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 2}, true, reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 2}},
		{reviews.Product{ID: id, Name: "Old mug", Status: "active", Version: 1}, false, reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 2}},
		{reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 2}, false, reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 2}},
		{reviews.Product{ID: id, Name: "Mug", Status: reviews.ProductArchived, Version: 5}, true, reviews.Product{ID: id, Name: "Mug", Status: reviews.ProductArchived, Version: 5}},
		{reviews.Product{ID: id, Name: "Mug", Status: "active", Version: 4}, false, reviews.Product{ID: id, Name: "Mug", Status: reviews.ProductArchived, Version: 5}},
	} {
		saved, err := s.SaveProduct(ctx, step.p, newID(t))
		if err != nil || saved != step.saved {
			t.Errorf("SaveProduct(%+v) = %v, %v; want %v", step.p, saved, err, step.saved)
		}
		if got, err := s.Product(ctx, id); err != nil || got != step.want {
			t.Errorf("after SaveProduct(%+v): Product = %+v, %v; want %+v", step.p, got, err, step.want)
		}
	}
}

// testConcurrentProducts: 20 versions of a product saved at once leave the
// highest.
func testConcurrentProducts(t *testing.T, s reviews.Store) {
	id := newID(t)
	var wg sync.WaitGroup
	for v := range workers {
		wg.Go(func() {
			if _, err := s.SaveProduct(context.Background(), reviews.Product{ID: id, Name: fmt.Sprint("v", v+1), Status: "active", Version: v + 1}, fmt.Sprint("e", v)); err != nil {
				t.Errorf("SaveProduct: %v", err)
			}
		})
	}
	wg.Wait()
	if got, err := s.Product(context.Background(), id); err != nil || got.Version != workers || got.Name != fmt.Sprint("v", workers) {
		t.Errorf("Product = %+v, %v; want version %d", got, err, workers)
	}
}

func order(t *testing.T, s reviews.Store, eventID, orderID, customer string, cancelled bool, products ...string) {
	t.Helper()
	if err := s.RecordOrder(context.Background(), reviews.OrderEvent{EventID: eventID, OrderID: orderID, CustomerID: customer,
		ProductIDs: products, Cancelled: cancelled}); err != nil {
		t.Fatalf("RecordOrder: %v", err)
	}
}

func wantVerified(t *testing.T, s reviews.Store, step string, r reviews.Review, want bool) {
	t.Helper()
	got, err := s.Review(context.Background(), r.ID)
	if err != nil || got.VerifiedPurchase != want {
		t.Errorf("after %s: review by %s verifiedPurchase = %v (%v), want %v", step, r.Author.Subject, got.VerifiedPurchase, err, want)
	}
}

// testVerifiedPurchases: a review is a verified purchase while its author
// has a confirmed order of its product that was not cancelled, whichever
// came first, the review or the confirmation; duplicates change nothing.
func testVerifiedPurchases(t *testing.T, s reviews.Store) {
	ctx := context.Background()
	product, other := newID(t), newID(t)

	// The review first, then the confirmation.
	r := mustCreate(t, s, product, "alice", 4)
	wantVerified(t, s, "a review without an order", r, false)
	e1 := newID(t)
	order(t, s, e1, "o1", "alice", false, other, product)
	wantVerified(t, s, "OrderConfirmed", r, true)
	order(t, s, e1, "o1", "alice", false, other, product)
	wantVerified(t, s, "a duplicate OrderConfirmed", r, true)

	// The confirmation first, then the review (the order's other product).
	n, _ := reviews.NewReview{ProductID: other, Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 5, Title: "t"}.Create(newID(t), base)
	stored, err := s.CreateReview(ctx, n, submitted(t, n))
	if err != nil || !stored.VerifiedPurchase {
		t.Errorf("CreateReview after the confirmation = %+v, %v; want verifiedPurchase", stored, err)
	}
	wantVerified(t, s, "a review after the confirmation", n, true)

	// Someone else's order verifies nobody else; a review of a product
	// not in the order stays unverified.
	bob := mustCreate(t, s, product, "bob", 2)
	order(t, s, newID(t), "o2", "carol", false, product)
	wantVerified(t, s, "another customer's order", bob, false)

	// Cancelling the one confirmed order un-verifies; a duplicate of the
	// cancellation changes nothing; a second confirmed order verifies
	// again; cancelling it too un-verifies.
	e3 := newID(t)
	order(t, s, e3, "o1", "alice", true, other, product)
	wantVerified(t, s, "OrderCancelled", r, false)
	wantVerified(t, s, "OrderCancelled", n, false)
	order(t, s, e3, "o1", "alice", true, other, product)
	wantVerified(t, s, "a duplicate OrderCancelled", r, false)
	order(t, s, newID(t), "o1", "alice", false, product) // a late, re-sent confirmation of the cancelled order
	wantVerified(t, s, "a confirmation of a cancelled order", r, false)
	order(t, s, newID(t), "o3", "alice", false, product)
	wantVerified(t, s, "a second order", r, true)
	wantVerified(t, s, "a second order of the other product", n, false)

	// A cancellation that overtakes its confirmation: never verified.
	dave := mustCreate(t, s, product, "dave", 3)
	order(t, s, newID(t), "o4", "dave", true, product)
	order(t, s, newID(t), "o4", "dave", false, product)
	wantVerified(t, s, "a cancellation before its confirmation", dave, false)

	// Editing and voting keep the mark; deleting the review and writing a
	// new one finds the purchase again.
	three := 3
	if _, err := s.UpdateReview(ctx, r.ID, revise(func(r *reviews.Review) error { return reviews.Patch{Rating: &three}.Apply(r, base) })); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddHelpfulVote(ctx, r.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	wantVerified(t, s, "an edit and a vote", r, true)
	if err := s.DeleteReview(ctx, r.ID, withdraw(func(reviews.Review) error { return nil })); err != nil {
		t.Fatal(err)
	}
	again, _ := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: "alice", Name: "A"}, Rating: 1, Title: "t"}.Create(newID(t), base)
	if stored, err := s.CreateReview(ctx, again, submitted(t, again)); err != nil || !stored.VerifiedPurchase {
		t.Errorf("a new review after a delete = %+v, %v; want verifiedPurchase", stored, err)
	}
}

// concurrentVerifyRounds is how many times testConcurrentVerify races a
// review and its author's confirmation.
const concurrentVerifyRounds = 30

// testConcurrentVerify creates a review and records its author's
// confirmed order of the product at the same time, many times: every
// review ends verified, whichever wins.
func testConcurrentVerify(t *testing.T, s reviews.Store) {
	product := newID(t)
	for round := range concurrentVerifyRounds {
		customer := fmt.Sprintf("c%d", round)
		r, err := reviews.NewReview{ProductID: product, Author: reviews.Author{Subject: customer, Name: "C"}, Rating: 4, Title: "t"}.Create(newID(t), base)
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			if err := createErr(s, r); err != nil {
				t.Errorf("CreateReview: %v", err)
			}
		})
		wg.Go(func() {
			<-start
			if err := s.RecordOrder(context.Background(), reviews.OrderEvent{EventID: fmt.Sprint("e", round), OrderID: fmt.Sprint("o", round),
				CustomerID: customer, ProductIDs: []string{product}}); err != nil {
				t.Errorf("RecordOrder: %v", err)
			}
		})
		close(start)
		wg.Wait()
		wantVerified(t, s, fmt.Sprintf("round %d", round), r, true)
	}
}
