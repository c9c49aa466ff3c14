package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"testing"

	"example.com/quartet/services/reviews"
)

// rating is a product's rating summary.
type rating struct {
	Count     int
	Average   float64
	Histogram map[string]int
}

// Issue 5's acceptance through the gateway: two customers review a
// product, vote, edit and delete, and the summary is exact at every step.
func TestReviews(t *testing.T) {
	needStack(t)
	ada, bob := newCustomer(t, "ada"), newCustomer(t, "bob")
	p := newProduct(t, demoToken(t, "admin"), 4200)
	base := "/v1/products/" + p.ID

	checkRating := func(step string, count int, average float64, hist [5]int) {
		t.Helper()
		r := call(t, http.MethodGet, base+"/rating", "", nil)
		want(t, r, http.StatusOK, step+": GET rating")
		var got rating
		r.decode(t, &got)
		wantHist := map[string]int{}
		for i, n := range hist {
			wantHist[fmt.Sprint(i+1)] = n
		}
		if got.Count != count || got.Average != average || fmt.Sprint(got.Histogram) != fmt.Sprint(wantHist) {
			t.Fatalf("%s: rating = %s, want count %d, average %v, histogram %v", step, r.body, count, average, wantHist)
		}
	}
	type review struct {
		ID           string
		Rating       int
		HelpfulCount int
	}
	create := func(token string, stars int, title string) review {
		t.Helper()
		r := call(t, http.MethodPost, base+"/reviews", token, map[string]any{"rating": stars, "title": title, "body": "e2e"})
		want(t, r, http.StatusCreated, "review "+title)
		var rv review
		r.decode(t, &rv)
		return rv
	}
	get := func(id string) (review, string) {
		t.Helper()
		r := call(t, http.MethodGet, "/v1/reviews/"+id, "", nil)
		want(t, r, http.StatusOK, "GET review")
		var rv review
		r.decode(t, &rv)
		return rv, r.header.Get("ETag")
	}

	// reviews knows the product once catalog's ProductCreated reached it.
	eventually(t, "the product known to reviews", func() string {
		if r := call(t, http.MethodGet, base+"/rating", "", nil); r.status != http.StatusOK {
			return fmt.Sprintf("%d %s", r.status, r.body)
		}
		return ""
	})
	checkRating("before any review", 0, 0, [5]int{})
	adas := create(ada, 4, "Good")
	checkRating("after ada's review", 1, 4, [5]int{0, 0, 0, 1, 0})
	bobs := create(bob, 2, "Meh")
	checkRating("after bob's review", 2, 3, [5]int{0, 1, 0, 1, 0})
	want(t, call(t, http.MethodPost, base+"/reviews", ada, map[string]any{"rating": 1, "title": "Again"}), http.StatusConflict, "a second review")

	// Votes: each on the other's review; twice or on one's own is refused.
	want(t, call(t, http.MethodPost, "/v1/reviews/"+bobs.ID+"/helpful", ada, nil), http.StatusOK, "ada votes bob's review")
	want(t, call(t, http.MethodPost, "/v1/reviews/"+adas.ID+"/helpful", bob, nil), http.StatusOK, "bob votes ada's review")
	want(t, call(t, http.MethodPost, "/v1/reviews/"+bobs.ID+"/helpful", ada, nil), http.StatusConflict, "ada votes twice")
	want(t, call(t, http.MethodPost, "/v1/reviews/"+adas.ID+"/helpful", ada, nil), http.StatusUnprocessableEntity, "ada votes her own")
	for _, id := range []string{adas.ID, bobs.ID} {
		if rv, _ := get(id); rv.HelpfulCount != 1 {
			t.Errorf("review %s helpful count = %d, want 1", id, rv.HelpfulCount)
		}
	}
	checkRating("after the votes", 2, 3, [5]int{0, 1, 0, 1, 0})

	// Edit: only the author, with the current ETag.
	_, etag := get(adas.ID)
	want(t, call(t, http.MethodPatch, "/v1/reviews/"+adas.ID, bob, map[string]any{"rating": 1}, "If-Match", etag), http.StatusForbidden, "bob edits ada's review")
	want(t, call(t, http.MethodPatch, "/v1/reviews/"+adas.ID, ada, map[string]any{"rating": 5}, "If-Match", `"999"`), http.StatusPreconditionFailed, "an edit with a stale ETag")
	want(t, call(t, http.MethodPatch, "/v1/reviews/"+adas.ID, ada, map[string]any{"rating": 5}, "If-Match", etag), http.StatusOK, "ada edits her review")
	checkRating("after ada's edit", 2, 3.5, [5]int{0, 1, 0, 0, 1})

	// Delete: bob's goes, with its vote.
	want(t, call(t, http.MethodDelete, "/v1/reviews/"+bobs.ID, ada, nil), http.StatusForbidden, "ada deletes bob's review")
	want(t, call(t, http.MethodDelete, "/v1/reviews/"+bobs.ID, bob, nil), http.StatusNoContent, "bob deletes his review")
	want(t, call(t, http.MethodGet, "/v1/reviews/"+bobs.ID, "", nil), http.StatusNotFound, "the deleted review")
	checkRating("after bob's delete", 1, 5, [5]int{0, 0, 0, 0, 1})
	var page struct{ Items []review }
	call(t, http.MethodGet, base+"/reviews?sort=helpful", "", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != adas.ID || page.Items[0].HelpfulCount != 1 {
		t.Errorf("reviews of the product = %+v, want ada's alone, with 1 helpful vote", page.Items)
	}

	// The recount finds the stored summaries and counts exact, as the
	// recompute command would against make dev's MongoDB.
	m := regexp.MustCompile(`reviews\s+MongoDB\s+(mongodb://\S+)`).FindStringSubmatch(stack.stdout.String())
	if m == nil {
		t.Fatalf("no MongoDB URI in the banner:\n%s", stack.stdout.String())
	}
	app, err := reviews.New(t.Context(), reviews.Config{MongoURI: m[1]}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("reviews.New: %v", err)
	}
	defer app.Close()
	drift, err := app.Recompute(t.Context(), false)
	if err != nil {
		t.Fatalf("Recompute: %v", err)
	}
	if !drift.None() {
		t.Errorf("Recompute found drift: %+v", drift)
	}
}
