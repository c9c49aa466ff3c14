package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/event"
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/httpapi"
	"example.com/quartet/services/reviews/internal/memory"
	domain "example.com/quartet/services/reviews/internal/reviews"
)

const product = "0190a000-0000-7000-8000-0000000000aa"

var (
	alice = apitest.Claims{"sub": "alice", "roles": "[customer]", "name": "Alice"}
	bob   = apitest.Claims{"sub": "bob", "roles": "[customer]", "name": "Bob"}
	admin = apitest.Admin
)

func newAPI(t *testing.T) *apitest.API {
	t.Helper()
	api, _ := newAPIService(t)
	return api
}

// newAPIService returns the API on a memory store whose product
// projection knows product, seeded through the consumer as the bus would,
// and the service, whose HandleEvent is the consumer.
func newAPIService(t *testing.T) (*apitest.API, *domain.Service) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := domain.NewService(memory.NewStore(), nil)
	handle(t, svc, catalogEvent(t, domain.TypeProductCreated, product, 1))
	return apitest.New(t, reviews.OpenAPI, httpapi.New(svc, logger)), svc
}

// catalogEvent returns a Product* event of catalog's, as docs/events.md
// describes it.
func catalogEvent(t *testing.T, typ, productID string, version int) event.Envelope {
	t.Helper()
	status := "active"
	if typ == domain.TypeProductArchived {
		status = domain.ProductArchived
	}
	e, err := event.New(context.Background(), "catalog", typ, productID, 1, map[string]any{
		"productId": productID, "name": "Travel mug", "price": map[string]any{"amount": "24.90", "currency": "EUR"},
		"status": status, "version": version,
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func handle(t *testing.T, svc *domain.Service, e event.Envelope) {
	t.Helper()
	if err := svc.HandleEvent(context.Background(), e); err != nil {
		t.Fatalf("HandleEvent(%s): %v", e.Type, err)
	}
}

func TestRoutesMatchOpenAPI(t *testing.T) {
	apitest.CheckRoutes(t, reviews.OpenAPI, httpapi.Routes())
}

type review struct {
	ID           string `json:"id"`
	Rating       int    `json:"rating"`
	Title        string `json:"title"`
	HelpfulCount int    `json:"helpfulCount"`
	Version      int    `json:"version"`
	Author       struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
}

type rating struct {
	Count     int            `json:"count"`
	Average   float64        `json:"average"`
	Histogram map[string]int `json:"histogram"`
}

func wantStatus(t *testing.T, res *apitest.Response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status = %d, want %d; body: %s", res.Status, want, res.Body)
	}
}

func create(t *testing.T, api *apitest.API, who apitest.Claims, stars int) (review, string) {
	t.Helper()
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews",
		Body: fmt.Sprintf(`{"rating":%d,"title":"%d stars","body":"Text."}`, stars, stars), Claims: who})
	wantStatus(t, res, http.StatusCreated)
	var r review
	res.JSON(t, &r)
	return r, res.Header.Get("ETag")
}

func checkRating(t *testing.T, api *apitest.API, count int, avg float64, hist [5]int) {
	t.Helper()
	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + product + "/rating"})
	wantStatus(t, res, http.StatusOK)
	var got rating
	res.JSON(t, &got)
	for i, n := range hist {
		if got.Histogram[fmt.Sprint(i+1)] != n {
			t.Errorf("histogram = %v, want %v", got.Histogram, hist)
			break
		}
	}
	if got.Count != count || got.Average != avg {
		t.Errorf("rating = count %d average %v, want %d and %v", got.Count, got.Average, count, avg)
	}
}

// TestReviewLifecycle is the acceptance scenario: two customers review a
// product, vote each other's review helpful, edit and delete, and the
// summary is exact after each step.
func TestReviewLifecycle(t *testing.T) {
	api := newAPI(t)
	checkRating(t, api, 0, 0, [5]int{})

	a, aTag := create(t, api, alice, 5)
	if a.Author.Name != "Alice" || a.Author.ID != "alice" || aTag != `"1"` {
		t.Errorf("created review author %+v ETag %s, want Alice/alice and \"1\"", a.Author, aTag)
	}
	b, _ := create(t, api, bob, 2)
	checkRating(t, api, 2, 3.5, [5]int{0, 1, 0, 0, 1})

	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews",
		Body: `{"rating":1,"title":"again"}`, Claims: alice})
	wantStatus(t, res, http.StatusConflict)

	for _, v := range []struct {
		who    apitest.Claims
		review string
		want   int
	}{
		{alice, b.ID, http.StatusOK},
		{bob, a.ID, http.StatusOK},
		{alice, b.ID, http.StatusConflict},
		{alice, a.ID, http.StatusUnprocessableEntity},
	} {
		res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/reviews/" + v.review + "/helpful", Claims: v.who})
		wantStatus(t, res, v.want)
	}

	res = api.Do(t, apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + b.ID,
		Header: map[string]string{"If-Match": `"1"`}, Body: `{"rating":4}`, Claims: bob})
	wantStatus(t, res, http.StatusOK)
	var edited review
	res.JSON(t, &edited)
	if edited.Rating != 4 || edited.Version != 2 || edited.HelpfulCount != 1 || res.Header.Get("ETag") != `"2"` {
		t.Errorf("edited review = %+v ETag %s, want rating 4, version 2, 1 helpful vote", edited, res.Header.Get("ETag"))
	}
	checkRating(t, api, 2, 4.5, [5]int{0, 0, 0, 1, 1})

	res = api.Do(t, apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + a.ID, Claims: alice})
	wantStatus(t, res, http.StatusNoContent)
	checkRating(t, api, 1, 4, [5]int{0, 0, 0, 1, 0})

	res = api.Do(t, apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + b.ID, Claims: admin})
	wantStatus(t, res, http.StatusNoContent)
	checkRating(t, api, 0, 0, [5]int{})
	res = api.Do(t, apitest.Request{Method: "GET", Path: "/v1/reviews/" + b.ID})
	wantStatus(t, res, http.StatusNotFound)
}

func TestWritesRefused(t *testing.T) {
	api := newAPI(t)
	a, _ := create(t, api, alice, 3)
	noRole := apitest.Caller("carol")
	tests := []struct {
		name string
		req  apitest.Request
		want int
	}{
		{"create without token", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":3,"title":"t"}`}, 401},
		{"create without customer role", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":3,"title":"t"}`, Claims: noRole}, 403},
		{"create with rating 6", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":6,"title":"t"}`, Claims: bob}, 422},
		{"create without title", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":3}`, Claims: bob}, 422},
		{"create with long title", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":3,"title":"` + strings.Repeat("x", 121) + `"}`, Claims: bob}, 422},
		{"create with unknown member", apitest.Request{Method: "POST", Path: "/v1/products/" + product + "/reviews", Body: `{"rating":3,"title":"t","verifiedPurchase":true}`, Claims: bob}, 400},
		{"create for a malformed product id", apitest.Request{Method: "POST", Path: "/v1/products/nope/reviews", Body: `{"rating":3,"title":"t"}`, Claims: bob}, 404},
		{"edit by another customer", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `"1"`}, Body: `{"rating":1}`, Claims: bob}, 403},
		{"edit without If-Match", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Body: `{"rating":1}`, Claims: alice}, 428},
		{"edit with a stale If-Match", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `"7"`}, Body: `{"rating":1}`, Claims: alice}, 412},
		{"edit with a weak If-Match", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `W/"1"`}, Body: `{"rating":1}`, Claims: alice}, 412},
		{"edit with an unquoted If-Match", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `1`}, Body: `{"rating":1}`, Claims: alice}, 400},
		{"edit with an empty patch", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `"1"`}, Body: `{}`, Claims: alice}, 422},
		{"edit a missing review", apitest.Request{Method: "PATCH", Path: "/v1/reviews/0190a000-0000-7000-8000-0000000000ff", Header: map[string]string{"If-Match": `"1"`}, Body: `{"rating":1}`, Claims: alice}, 404},
		{"delete by another customer", apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + a.ID, Claims: bob}, 403},
		{"delete without token", apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + a.ID}, 401},
		{"delete with a stale If-Match", apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + a.ID, Header: map[string]string{"If-Match": `"2"`}, Claims: alice}, 412},
		{"vote without token", apitest.Request{Method: "POST", Path: "/v1/reviews/" + a.ID + "/helpful"}, 401},
		{"vote for a missing review", apitest.Request{Method: "POST", Path: "/v1/reviews/malformed/helpful", Claims: bob}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, tt.req)
			wantStatus(t, res, tt.want)
			res.Problem(t)
		})
	}
	checkRating(t, api, 1, 3, [5]int{0, 0, 1, 0, 0})
}

func TestListPagination(t *testing.T) {
	api := newAPI(t)
	var ids []string
	for i, stars := range []int{2, 5, 3, 5, 1} {
		r, _ := create(t, api, apitest.Claims{"sub": fmt.Sprint("c", i), "roles": "[customer]"}, stars)
		ids = append(ids, r.ID)
	}
	for _, tt := range []struct {
		sort string
		want []string // ids by index
	}{
		{"newest", []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"rating", []string{ids[3], ids[1], ids[2], ids[0], ids[4]}},
		{"helpful", []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
	} {
		t.Run(tt.sort, func(t *testing.T) {
			var got []string
			path := "/v1/products/" + product + "/reviews?limit=2&sort=" + tt.sort
			for next := path; next != ""; {
				res := api.Do(t, apitest.Request{Method: "GET", Path: next})
				wantStatus(t, res, http.StatusOK)
				var page struct {
					Items      []review `json:"items"`
					NextCursor string   `json:"nextCursor"`
				}
				res.JSON(t, &page)
				for _, r := range page.Items {
					got = append(got, r.ID)
				}
				next = ""
				if page.NextCursor != "" {
					next = path + "&cursor=" + page.NextCursor
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("sort=%s listed %v, want %v", tt.sort, got, tt.want)
			}
		})
	}
}

func TestListBadParameters(t *testing.T) {
	api := newAPI(t)
	for i := range 3 {
		create(t, api, apitest.Claims{"sub": fmt.Sprint("c", i), "roles": "[customer]"}, 4)
	}
	base := "/v1/products/" + product + "/reviews"
	res := api.Do(t, apitest.Request{Method: "GET", Path: base + "?limit=1"})
	var page struct {
		NextCursor string `json:"nextCursor"`
	}
	res.JSON(t, &page)
	cursor := page.NextCursor
	tampered := []byte(cursor)
	tampered[len(tampered)/2] ^= 1
	if tampered[len(tampered)/2] == '-' || tampered[len(tampered)/2] == '_' {
		tampered[len(tampered)/2] = 'A'
	}
	for name, query := range map[string]string{
		"tampered cursor":         "?cursor=" + string(tampered),
		"garbage cursor":          "?cursor=%21%21",
		"cursor of another sort":  "?sort=rating&cursor=" + cursor,
		"unknown sort":            "?sort=best",
		"limit too large":         "?limit=101",
		"limit not a number":      "?limit=ten",
		"valid cursor, bad limit": "?cursor=" + cursor + "&limit=0",
	} {
		t.Run(name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "GET", Path: base + query})
			wantStatus(t, res, http.StatusBadRequest)
			res.Problem(t)
		})
	}
	res = api.Do(t, apitest.Request{Method: "GET", Path: base + "?cursor=" + cursor})
	wantStatus(t, res, http.StatusOK)
}

func TestUnknownPaths(t *testing.T) {
	h := httpapi.New(domain.NewService(memory.NewStore(), nil), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/v1/nothing", http.StatusNotFound},
		{"PUT", "/v1/reviews/x", http.StatusMethodNotAllowed},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
	}
}

// TestUnknownProduct: reviews knows the products catalog announced; for
// any other id, creating a review, listing reviews and reading the rating
// answer 404, until the product's ProductCreated arrives. An archived
// product's reviews stay readable, and it may still be reviewed.
func TestUnknownProduct(t *testing.T) {
	api, svc := newAPIService(t)
	unknown := "0190a000-0000-7000-8000-0000000000ab"
	requests := []apitest.Request{
		{Method: "POST", Path: "/v1/products/" + unknown + "/reviews", Body: `{"rating":3,"title":"t"}`, Claims: alice},
		{Method: "GET", Path: "/v1/products/" + unknown + "/reviews"},
		{Method: "GET", Path: "/v1/products/" + unknown + "/rating"},
		{Method: "GET", Path: "/v1/products/not-an-id/rating"},
		{Method: "GET", Path: "/v1/products/not-an-id/reviews"},
	}
	for _, req := range requests {
		res := api.Do(t, req)
		wantStatus(t, res, http.StatusNotFound)
		res.Problem(t)
	}
	handle(t, svc, catalogEvent(t, domain.TypeProductCreated, unknown, 1))
	for i, want := range []int{http.StatusCreated, http.StatusOK, http.StatusOK} {
		wantStatus(t, api.Do(t, requests[i]), want)
	}
	handle(t, svc, catalogEvent(t, domain.TypeProductArchived, unknown, 2))
	bobReview := requests[0]
	bobReview.Claims = bob
	for i, req := range []apitest.Request{bobReview, requests[1], requests[2]} {
		wantStatus(t, api.Do(t, req), []int{http.StatusCreated, http.StatusOK, http.StatusOK}[i])
	}
}

// TestVerifiedPurchase: a review shows verifiedPurchase once orders
// confirms its author's order of the product, written before or after.
func TestVerifiedPurchase(t *testing.T) {
	api, svc := newAPIService(t)
	confirm := func(customer, orderID string) {
		t.Helper()
		e, err := event.New(context.Background(), "orders", domain.TypeOrderConfirmed, orderID, 1, map[string]any{
			"orderId": orderID, "customerId": customer, "lines": []any{map[string]any{"productId": product, "quantity": 1}},
		}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		handle(t, svc, e)
	}
	verified := func(id string) bool {
		t.Helper()
		res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/reviews/" + id})
		wantStatus(t, res, http.StatusOK)
		var r struct {
			VerifiedPurchase bool `json:"verifiedPurchase"`
		}
		res.JSON(t, &r)
		return r.VerifiedPurchase
	}
	a, _ := create(t, api, alice, 5)
	if verified(a.ID) {
		t.Error("a review without an order is verified")
	}
	confirm("alice", "0190a000-0000-7000-8000-0000000000c1")
	if !verified(a.ID) {
		t.Error("a review written before its author's confirmed order is not verified")
	}
	confirm("bob", "0190a000-0000-7000-8000-0000000000c2")
	b, _ := create(t, api, bob, 2)
	if !verified(b.ID) {
		t.Error("a review written after its author's confirmed order is not verified")
	}
}
