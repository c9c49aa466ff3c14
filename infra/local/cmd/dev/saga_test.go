package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issue 11's acceptance through the gateway, on the stores make dev runs:
// the order saga over the local bus, the projections, verified purchases
// and ratings. Outcomes are eventual: each is polled for, with a deadline.

// eventualDeadline bounds the wait for an outcome of events: a few
// deliveries of the local bus, on a loaded machine.
const eventualDeadline = 30 * time.Second

// eventually polls check until it returns "" (done), failing t with its
// last answer after the deadline.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(eventualDeadline)
	for {
		last := check()
		if last == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still not %s: %s", eventualDeadline, what, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// catalogProduct is catalog's product document as the saga tests read it.
type catalogProduct struct {
	ID     string
	Stock  int
	Status string
	Rating struct {
		Count   int
		Average float64
	}
}

func getProduct(t *testing.T, base, id string) (catalogProduct, response) {
	t.Helper()
	r := callAt(t, base, http.MethodGet, "/v1/products/"+id, "", nil)
	var p catalogProduct
	if r.status == http.StatusOK {
		r.decode(t, &p)
	}
	return p, r
}

// newStockedProduct creates a product with stock as the demo admin.
func newStockedProduct(t *testing.T, base, admin string, stock int) string {
	t.Helper()
	var cats struct{ Items []struct{ Slug string } }
	callAt(t, base, http.MethodGet, "/v1/categories", "", nil).decode(t, &cats)
	if len(cats.Items) == 0 {
		t.Fatal("no categories in the seeded catalog")
	}
	sku := "SAGA-" + rand.Text()[:12]
	r := callAt(t, base, http.MethodPost, "/v1/products", admin, map[string]any{
		"sku": sku, "name": "Saga " + sku, "price": map[string]any{"amount": 1500, "currency": "USD"},
		"category": cats.Items[0].Slug, "stock": stock,
	})
	want(t, r, http.StatusCreated, "create product")
	var p struct{ ID string }
	r.decode(t, &p)
	return p.ID
}

// putInCart puts quantity of product in the customer's cart, waiting for
// orders to know the product (its projection follows catalog's events).
func putInCart(t *testing.T, base, token, productID string, quantity int) {
	t.Helper()
	eventually(t, "in the cart", func() string {
		r := callAt(t, base, http.MethodPut, "/v1/cart/items/"+productID, token, map[string]int{"quantity": quantity})
		if r.status == http.StatusOK {
			return ""
		}
		return fmt.Sprintf("%d %s", r.status, r.body)
	})
}

var shipping = map[string]any{"shippingAddress": map[string]string{
	"name": "Saga", "line1": "1 Main Street", "city": "Springfield", "postalCode": "12345", "country": "US",
}}

// placeOrder places the customer's cart as an order and returns its id; it
// answers pending. It is safe in goroutines other than the test's.
func placeOrder(t *testing.T, base, token string) string {
	t.Helper()
	// A 503 (DynamoDB Local slowed by a burst on a small machine) is
	// retried with the same key, as a client does after Retry-After, until
	// the request that failed gives the key up.
	key := rand.Text()
	var r response
	deadline := time.Now().Add(eventualDeadline)
	for {
		r = callAt(t, base, http.MethodPost, "/v1/orders", token, shipping, "Idempotency-Key", key)
		// 409: the try that answered 503 still holds the key's lease.
		if (r.status != http.StatusServiceUnavailable && r.status != http.StatusConflict) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if r.status != http.StatusCreated {
		t.Errorf("place an order: %d %s", r.status, r.body)
		return ""
	}
	var o struct{ ID, Status string }
	r.decode(t, &o)
	if o.Status != "pending" {
		t.Errorf("a placed order is %q, want pending", o.Status)
	}
	return o.ID
}

func orderStatus(t *testing.T, base, token, id string) string {
	t.Helper()
	var o struct{ Status string }
	r := callAt(t, base, http.MethodGet, "/v1/orders/"+id, token, nil)
	if r.status != http.StatusOK {
		return fmt.Sprintf("GET answered %d", r.status)
	}
	r.decode(t, &o)
	return o.Status
}

// waitStatus waits for the order to reach status.
func waitStatus(t *testing.T, base, token, id, status string) {
	t.Helper()
	eventually(t, "order "+status, func() string {
		if got := orderStatus(t, base, token, id); got != status {
			return "status " + got
		}
		return ""
	})
}

// waitStock waits for the product's stock to be stock.
func waitStock(t *testing.T, base, id string, stock int) {
	t.Helper()
	eventually(t, fmt.Sprintf("stock %d", stock), func() string {
		p, r := getProduct(t, base, id)
		if r.status != http.StatusOK || p.Stock != stock {
			return fmt.Sprintf("%d stock %d", r.status, p.Stock)
		}
		return ""
	})
}

type reviewDoc struct {
	ID               string
	Rating           int
	VerifiedPurchase bool
}

func TestSaga(t *testing.T) {
	needStack(t)
	base := stack.url
	admin := demoToken(t, "admin")
	alice, bob := newCustomer(t, "alice"), newCustomer(t, "bob")
	p := newStockedProduct(t, base, admin, 5)

	// Enough stock: confirmed, stock reduced.
	putInCart(t, base, alice, p, 2)
	confirmed := placeOrder(t, base, alice)
	waitStatus(t, base, alice, confirmed, "confirmed")
	waitStock(t, base, p, 3)

	// Too little: cancelled, stock untouched.
	putInCart(t, base, bob, p, 4)
	short := placeOrder(t, base, bob)
	waitStatus(t, base, bob, short, "cancelled")
	if got, _ := getProduct(t, base, p); got.Stock != 3 {
		t.Errorf("after a rejected order the stock is %d, want 3", got.Stock)
	}

	// A review after the confirmation is a verified purchase; bob's, whose
	// order was cancelled, is not.
	r := callAt(t, base, http.MethodPost, "/v1/products/"+p+"/reviews", alice, map[string]any{"rating": 5, "title": "Bought it", "body": "and it came"})
	want(t, r, http.StatusCreated, "alice's review")
	var aliceReview reviewDoc
	r.decode(t, &aliceReview)
	r = callAt(t, base, http.MethodPost, "/v1/products/"+p+"/reviews", bob, map[string]any{"rating": 2, "title": "Never got it"})
	want(t, r, http.StatusCreated, "bob's review")
	var bobReview reviewDoc
	r.decode(t, &bobReview)
	if bobReview.VerifiedPurchase {
		t.Errorf("bob's review is a verified purchase; his order was cancelled")
	}
	verified := func(id string, want bool) func() string {
		return func() string {
			r := callAt(t, base, http.MethodGet, "/v1/reviews/"+id, "", nil)
			var d reviewDoc
			if r.status == http.StatusOK {
				r.decode(t, &d)
			}
			if r.status != http.StatusOK || d.VerifiedPurchase != want {
				return fmt.Sprintf("%d %s", r.status, r.body)
			}
			return ""
		}
	}
	eventually(t, "alice's review verified", verified(aliceReview.ID, true))

	// The product's rating follows its reviews: 5 and 2, then 2 alone.
	rating := func(count int, average float64) func() string {
		return func() string {
			got, r := getProduct(t, base, p)
			if r.status != http.StatusOK || got.Rating.Count != count || got.Rating.Average != average {
				return fmt.Sprintf("%d rating %+v", r.status, got.Rating)
			}
			return ""
		}
	}
	eventually(t, "rated 3.5 by two", rating(2, 3.5))
	want(t, callAt(t, base, http.MethodDelete, "/v1/reviews/"+aliceReview.ID, alice, nil), http.StatusNoContent, "alice withdraws her review")
	eventually(t, "rated 2 by one", rating(1, 2))

	// Cancelling the confirmed order puts its stock back.
	want(t, callAt(t, base, http.MethodPost, "/v1/orders/"+confirmed+"/cancel", alice, nil), http.StatusOK, "cancel the confirmed order")
	waitStock(t, base, p, 5)

	// A review of a product catalog never had is 404.
	want(t, callAt(t, base, http.MethodPost, "/v1/products/"+newUUID()+"/reviews", bob, map[string]any{"rating": 4, "title": "What?"}),
		http.StatusNotFound, "a review of an unknown product")
}

// customerTokens returns n tokens of n new customers: the demo customer's
// claims with another subject each, signed with accounts' key from the data
// directory. (Signing up 30 accounts would hash 30 passwords with
// argon2id: too slow for a test on two shared cores. orders knows its
// customers by their tokens only.)
func customerTokens(t *testing.T, n int) []string {
	t.Helper()
	key := signingKey(t)
	header, claims := parts(t, demoToken(t, "customer"))
	tokens := make([]string, n)
	for i := range tokens {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		c["sub"] = newUUID()
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		tok.Header["kid"] = header["kid"]
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = s
	}
	return tokens
}

// newUUID returns a random UUID (version 4).
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = 0x40 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// TestNoOversell: 30 customers order the last 10 units at once. Exactly 10
// orders are confirmed and 20 cancelled, the stock ends at 0, and a reader
// polling the product meanwhile never sees it below 0.
func TestNoOversell(t *testing.T) {
	needStack(t)
	base := stack.url
	admin := demoToken(t, "admin")
	p := newStockedProduct(t, base, admin, 10)
	const customers = 30

	tokens := customerTokens(t, customers)
	for _, token := range tokens {
		putInCart(t, base, token, p, 1)
	}

	// A reader polls the product until every order is decided.
	stop := make(chan struct{})
	var lowest atomic.Int64
	lowest.Store(10)
	var reads atomic.Int32
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(10 * time.Millisecond)
			if got, r := getProduct(t, base, p); r.status == http.StatusOK {
				reads.Add(1)
				for cur := lowest.Load(); int64(got.Stock) < cur && !lowest.CompareAndSwap(cur, int64(got.Stock)); cur = lowest.Load() {
				}
			}
		}
	})

	var wg sync.WaitGroup
	ids := make([]string, customers)
	start := make(chan struct{})
	// All 30 at once. On a small machine DynamoDB Local may answer part
	// of the burst with 503s, which placeOrder retries with the same key
	// as a client does after Retry-After.
	for i, token := range tokens {
		wg.Go(func() {
			<-start
			ids[i] = placeOrder(t, base, token)
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		close(stop)
		reader.Wait()
		t.FailNow()
	}

	var confirmed, cancelled int
	eventually(t, "every order decided", func() string {
		confirmed, cancelled = 0, 0
		for i, id := range ids {
			switch orderStatus(t, base, tokens[i], id) {
			case "confirmed":
				confirmed++
			case "cancelled":
				cancelled++
			}
		}
		if confirmed+cancelled != customers {
			return fmt.Sprintf("%d confirmed, %d cancelled, %d pending", confirmed, cancelled, customers-confirmed-cancelled)
		}
		return ""
	})
	close(stop)
	reader.Wait()
	if confirmed != 10 || cancelled != 20 {
		t.Errorf("%d orders confirmed and %d cancelled, want 10 and 20", confirmed, cancelled)
	}
	if got, _ := getProduct(t, base, p); got.Stock != 0 {
		t.Errorf("stock after the rush: %d, want 0", got.Stock)
	}
	if low := lowest.Load(); low < 0 {
		t.Errorf("a read saw stock %d", low)
	}
	t.Logf("%d reads of the product while the orders were decided; lowest stock %d", reads.Load(), lowest.Load())
}
