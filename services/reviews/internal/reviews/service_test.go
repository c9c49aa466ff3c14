package reviews_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/reviews/internal/memory"
	"example.com/quartet/services/reviews/internal/reviews"
)

func TestService(t *testing.T) {
	ctx := context.Background()
	svc := reviews.NewService(memory.NewStore(), nil)
	n := validNewReview()
	if _, err := svc.CreateReview(ctx, n); !errors.Is(err, reviews.ErrProductNotFound) {
		t.Fatalf("CreateReview of a product unknown to the projection: %v, want ErrProductNotFound", err)
	}
	if _, err := svc.Summary(ctx, n.ProductID); !errors.Is(err, reviews.ErrProductNotFound) {
		t.Errorf("Summary of an unknown product: %v, want ErrProductNotFound", err)
	}
	if _, err := svc.Reviews(ctx, reviews.Query{ProductID: n.ProductID, Sort: reviews.SortNewest, Limit: 10}); !errors.Is(err, reviews.ErrProductNotFound) {
		t.Errorf("Reviews of an unknown product: %v, want ErrProductNotFound", err)
	}
	knowProduct(t, svc, n.ProductID)
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
		}(), reviews.ErrProductNotFound},
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

// productCreated returns a ProductCreated of catalog's, as docs/events.md
// describes it.
func productCreated(t *testing.T, productID string, version int, status string) event.Envelope {
	t.Helper()
	e, err := event.New(context.Background(), "catalog", reviews.TypeProductCreated, productID, 1, map[string]any{
		"productId": productID, "name": "Travel mug", "price": map[string]any{"amount": "24.90", "currency": "EUR"},
		"status": status, "version": version,
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// knowProduct makes the product projection know productID, through the
// consumer.
func knowProduct(t *testing.T, svc *reviews.Service, productID string) {
	t.Helper()
	if err := svc.HandleEvent(context.Background(), productCreated(t, productID, 1, "active")); err != nil {
		t.Fatalf("HandleEvent(ProductCreated): %v", err)
	}
}

type relayRecorder struct{ events []event.Envelope }

func (r *relayRecorder) After(_ context.Context, events ...event.Envelope) {
	r.events = append(r.events, events...)
}

// TestServiceRelaysEachChange: the events of every change reach the relay
// right after the store wrote them, and a refused change relays nothing.
func TestServiceRelaysEachChange(t *testing.T) {
	ctx := event.WithCorrelationID(context.Background(), "req-1")
	relay := &relayRecorder{}
	svc := reviews.NewService(memory.NewStore(), relay)
	n := validNewReview()
	knowProduct(t, svc, n.ProductID)
	r, err := svc.CreateReview(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateReview(ctx, n); !errors.Is(err, reviews.ErrDuplicateReview) {
		t.Fatalf("second CreateReview: %v", err)
	}
	rating := 1
	if _, err := svc.UpdateReview(ctx, "bob", r.ID, anyVersion, reviews.Patch{Rating: &rating}); !errors.Is(err, reviews.ErrNotAuthor) {
		t.Fatalf("UpdateReview by another: %v", err)
	}
	if _, err := svc.UpdateReview(ctx, "alice", r.ID, anyVersion, reviews.Patch{Rating: &rating}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteReview(ctx, "alice", false, r.ID, anyVersion); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range relay.events {
		got = append(got, e.Type+" "+e.Subject+" "+e.CorrelationID+" "+e.Source)
	}
	want := []string{"ReviewSubmitted " + r.ID + " req-1 reviews", "ReviewRevised " + r.ID + " req-1 reviews", "ReviewWithdrawn " + r.ID + " req-1 reviews"}
	if !slices.Equal(got, want) {
		t.Errorf("relayed %q, want %q", got, want)
	}
}

// TestHandleEvent: the consumer keeps the projections, ignores what it
// does not consume, and refuses data it cannot use (ErrBadEvent, for the
// dead letters) instead of dropping it.
func TestHandleEvent(t *testing.T) {
	ctx := context.Background()
	store := memory.NewStore()
	svc := reviews.NewService(store, nil)
	product := validNewReview().ProductID
	if err := svc.HandleEvent(ctx, productCreated(t, product, 3, "active")); err != nil {
		t.Fatal(err)
	}
	if p, err := store.Product(ctx, product); err != nil || p.Version != 3 || p.Name != "Travel mug" || p.Status != "active" {
		t.Errorf("Product = %+v, %v; want version 3 of the travel mug", p, err)
	}
	other, _ := event.New(ctx, "orders", "OrderPlaced", "o-1", 1, map[string]any{"orderId": "o-1"}, time.Now())
	if err := svc.HandleEvent(ctx, other); err != nil {
		t.Errorf("HandleEvent of a type reviews does not consume: %v, want nil", err)
	}
	for name, data := range map[string]map[string]any{
		"product without version": {"productId": product, "name": "n", "status": "active"},
		"product with a bad id":   {"productId": "nope", "name": "n", "status": "active", "version": 1},
	} {
		e, _ := event.New(ctx, "catalog", reviews.TypeProductChanged, "p", 1, data, time.Now())
		if err := svc.HandleEvent(ctx, e); !errors.Is(err, reviews.ErrBadEvent) {
			t.Errorf("%s: %v, want ErrBadEvent", name, err)
		}
	}
	for name, data := range map[string]map[string]any{
		"order without lines":      {"orderId": "o-1", "customerId": "alice", "lines": []any{}},
		"order without customer":   {"orderId": "o-1", "lines": []any{map[string]any{"productId": product, "quantity": 1}}},
		"order with a bad product": {"orderId": "o-1", "customerId": "alice", "lines": []any{map[string]any{"productId": 7}}},
	} {
		e, _ := event.New(ctx, "orders", reviews.TypeOrderConfirmed, "o-1", 1, data, time.Now())
		if err := svc.HandleEvent(ctx, e); !errors.Is(err, reviews.ErrBadEvent) {
			t.Errorf("%s: %v, want ErrBadEvent", name, err)
		}
	}
	r, err := svc.CreateReview(ctx, validNewReview())
	if err != nil {
		t.Fatal(err)
	}
	confirmed, _ := event.New(ctx, "orders", reviews.TypeOrderConfirmed, "o-9", 1, map[string]any{
		"orderId": "o-9", "customerId": r.Author.Subject, "lines": []any{map[string]any{"productId": product, "quantity": 2}},
	}, time.Now())
	if err := svc.HandleEvent(ctx, confirmed); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Review(ctx, r.ID); err != nil || !got.VerifiedPurchase {
		t.Errorf("review after OrderConfirmed = %+v, %v; want verifiedPurchase", got, err)
	}
}
