package dynamo_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"example.com/quartet/packages/dynamolocal"
	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/internal/orderstest"
	"example.com/quartet/services/orders/localdynamo"
)

// TestStoreMinidyn runs the contract suite on minidyn served in-process,
// the local default: it needs nothing installed, so it always runs.
func TestStoreMinidyn(t *testing.T) {
	client := newClient(t, minidynURL(t))
	orderstest.Run(t, func(t *testing.T) orderstest.Store { return newStore(t, client) })
}

// TestStoreDynamoDBLocal runs the contract suite on AWS's DynamoDB Local,
// one in-memory server for the package: it enforces what minidyn does not
// (ClientRequestToken reuse, TableStatus). It skips where Java or the npm
// package is missing, and fails there under CI=true.
func TestStoreDynamoDBLocal(t *testing.T) {
	client := newClient(t, ddbLocal.URL(t))
	orderstest.Run(t, func(t *testing.T) orderstest.Store { return newStore(t, client) })
}

// TestStoreEndpoint runs the contract suite on the DynamoDB endpoint in
// TEST_DYNAMODB_ENDPOINT, a server of your own. It is optional everywhere,
// CI included (minidyn and DynamoDB Local cover the adapter there), so it
// skips when the variable is unset instead of failing under CI=true as
// testenv.Lookup would.
func TestStoreEndpoint(t *testing.T) {
	endpoint := os.Getenv("TEST_DYNAMODB_ENDPOINT")
	if endpoint == "" {
		t.Skip("TEST_DYNAMODB_ENDPOINT is not set")
	}
	client := newClient(t, endpoint)
	orderstest.Run(t, func(t *testing.T) orderstest.Store { return newStore(t, client) })
}

// ddbLocal is the DynamoDB Local of this package's tests, stopped by
// TestMain.
var ddbLocal dynamolocal.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := ddbLocal.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

var minidyn = sync.OnceValues(func() (*localdynamo.Server, error) { return localdynamo.Start("") })

// minidynURL returns the endpoint of the minidyn server shared by the
// tests of this package; each test uses tables of its own.
func minidynURL(t testing.TB) string {
	t.Helper()
	srv, err := minidyn()
	if err != nil {
		t.Fatalf("start minidyn: %v", err)
	}
	return srv.URL
}

// newClient returns a client of endpoint with a fixed region and dummy
// credentials: nothing here can reach AWS. Its attempts may take 5 s, not
// dynamo.AttemptTimeout: the suite's parallel subtests load DynamoDB Local
// (a JVM) on small shared machines past a second per call at times, and
// the suite tests the store's semantics, not its timeouts.
func newClient(t testing.TB, endpoint string) *dynamodb.Client {
	t.Helper()
	client, err := dynamo.NewClient(t.Context(), dynamo.ClientConfig{Endpoint: endpoint, Region: "eu-west-1", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// newStore creates a table of its own for t, deleted when t ends.
func newStore(t testing.TB, client *dynamodb.Client) *dynamo.Store {
	t.Helper()
	return dynamo.NewStore(client, newTable(t, client))
}

// newTable creates a table of its own for t, deleted when t ends, and
// returns its name.
func newTable(t testing.TB, client *dynamodb.Client) string {
	t.Helper()
	name := "orders-test-" + strings.ToLower(rand.Text()[:10])
	if err := dynamo.CreateTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Errorf("delete table %s: %v", name, err)
		}
	})
	return name
}
