package httpapi_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/services/orders/internal/dynamo"
	domain "example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/localdynamo"
)

// Environment of the child process of TestPlacementCrash.
const (
	crashChildEndpoint = "ORDERS_CRASH_CHILD_ENDPOINT" // the DynamoDB endpoint; set only in the child
	crashChildTable    = "ORDERS_CRASH_CHILD_TABLE"
)

const (
	crashLease = 2 * time.Second // short, so that the test takes seconds
	crashKey   = "8d0e4f9a-crash-placement"
)

// TestPlacementCrash kills -9 a process in the middle of an order
// placement, after it claimed its idempotency key and while it prices the
// cart. The DynamoDB (minidyn, in this process) outlives it. Retries with
// the same key are refused with 409 and a Retry-After that counts down the
// dead claim's lease, then one of them takes the key over, within the lease
// and not before, and places exactly one order.
//
// It runs on minidyn, and on the DynamoDB at TEST_DYNAMODB_ENDPOINT (such as
// DynamoDB Local) when that is set.
func TestPlacementCrash(t *testing.T) {
	if endpoint := os.Getenv(crashChildEndpoint); endpoint != "" {
		crashChild(t, endpoint, os.Getenv(crashChildTable))
		return
	}
	t.Run("minidyn", func(t *testing.T) {
		srv, err := localdynamo.Start("")
		if err != nil {
			t.Fatalf("start minidyn: %v", err)
		}
		t.Cleanup(func() { srv.Close() })
		placementCrash(t, srv.URL)
	})
	t.Run("TEST_DYNAMODB_ENDPOINT", func(t *testing.T) {
		endpoint := os.Getenv("TEST_DYNAMODB_ENDPOINT")
		if endpoint == "" {
			t.Skip("TEST_DYNAMODB_ENDPOINT is not set") // optional, as in internal/dynamo
		}
		placementCrash(t, endpoint)
	})
}

func placementCrash(t *testing.T, endpoint string) {
	table := "orders-crash-" + strings.ToLower(rand.Text()[:8])
	api := crashAPI(t, endpoint, table, true, false)
	setItem(t, api, alice, "mug", 2)

	child := exec.Command(os.Args[0], "-test.run=^TestPlacementCrash$", "-test.count=1")
	child.Env = append(os.Environ(), crashChildEndpoint+"="+endpoint, crashChildTable+"="+table)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatalf("start the child: %v", err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	pricing := make(chan time.Time, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if lines.Text() == "pricing" {
				pricing <- time.Now()
			}
		}
		close(pricing)
	}()
	var claimedBy time.Time // the claim was made before this
	select {
	case at, ok := <-pricing:
		if !ok {
			t.Fatal("the child exited before it priced the cart")
		}
		claimedBy = at
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not reach the pricing of the cart within 30 s")
	}
	if err := child.Process.Signal(os.Kill); err != nil {
		t.Fatalf("kill -9 the child: %v", err)
	}
	_ = child.Wait()

	place := func() *apitest.Response {
		return api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Body: address, Claims: alice,
			Header: map[string]string{"Idempotency-Key": crashKey}})
	}
	first := time.Now()
	res := place()
	if res.Status != http.StatusConflict {
		t.Fatalf("POST with the dead claim's key right after the crash: %d %s, want 409", res.Status, res.Body)
	}
	retryAfter, err := strconv.Atoi(res.Header.Get("Retry-After"))
	leaseSeconds := int(crashLease / time.Second)
	if err != nil || retryAfter < 1 || retryAfter > leaseSeconds {
		t.Fatalf("Retry-After = %q, want 1..%d seconds", res.Header.Get("Retry-After"), leaseSeconds)
	}
	// The lease ends at most crashLease after the claim, which came before
	// claimedBy, and Retry-After rounds the time left up to seconds.
	leaseEnd := claimedBy.Add(crashLease)
	if earliest := first.Add(time.Duration(retryAfter-1) * time.Second); earliest.After(leaseEnd) {
		t.Errorf("Retry-After %d s at %v points past the lease end %v", retryAfter, first, leaseEnd)
	}

	for {
		res = place()
		if res.Status != http.StatusConflict {
			break
		}
		now := time.Now()
		if now.After(leaseEnd.Add(5 * time.Second)) {
			t.Fatalf("the key is still in progress %v after the dead claim's lease ended", now.Sub(leaseEnd))
		}
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > leaseSeconds {
			t.Fatalf("Retry-After = %q, want 1..%d seconds", res.Header.Get("Retry-After"), leaseSeconds)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tookOver := time.Now()
	if res.Status != http.StatusCreated {
		t.Fatalf("POST after the lease: %d %s, want 201", res.Status, res.Body)
	}
	if tookOver.Before(first.Add(time.Duration(retryAfter-1) * time.Second)) {
		t.Errorf("the key was taken over %v after a 409 that said Retry-After %d s", tookOver.Sub(first), retryAfter)
	}
	t.Logf("claim before %v, taken over %v later (lease %v); first Retry-After %d s",
		claimedBy.Format(time.StampMilli), tookOver.Sub(claimedBy), crashLease, retryAfter)

	if res := place(); res.Status != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry after the placement: %d, Idempotent-Replayed %q; want the replayed 201", res.Status, res.Header.Get("Idempotent-Replayed"))
	}
	var page struct{ Items []struct{ ID string } }
	api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders", Claims: alice}).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Errorf("orders after the crash and the retries: %d, want 1", len(page.Items))
	}
}

// crashChild places alice's order with a store whose products projection
// announces the pricing on stdout and then never answers, until the parent
// kills it.
func crashChild(t *testing.T, endpoint, table string) {
	api := crashAPI(t, endpoint, table, false, true)
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Body: address, Claims: alice,
		Header: map[string]string{"Idempotency-Key": crashKey}})
	t.Fatalf("the placement returned %d before the child was killed", res.Status)
}

// hangingStore prices nothing: it says so on stdout and blocks.
type hangingStore struct{ domain.Store }

func (hangingStore) Products(ctx context.Context, _ []string) (map[string]domain.Product, error) {
	fmt.Println("pricing")
	<-ctx.Done()
	return nil, ctx.Err()
}

// crashAPI returns the API on the DynamoDB at endpoint, with the short
// claim lease; create makes the table (dropped when the test ends) and
// seeds the products projection; hang makes the pricing of a placement
// block.
func crashAPI(t *testing.T, endpoint, table string, create, hang bool) *apitest.API {
	t.Helper()
	client, err := dynamo.NewClient(t.Context(), dynamo.ClientConfig{Endpoint: endpoint, Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if create {
		if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
		})
	}
	var store domain.Store = dynamo.NewStore(client, table)
	if hang {
		store = hangingStore{store}
	}
	svc := domain.NewService(store, domain.WithClaimLease(crashLease))
	if create {
		seedProducts(t, svc)
	}
	return newAPIOf(t, svc)
}
