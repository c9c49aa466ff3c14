package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/services/orders/internal/dynamo"
	domain "example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/localdynamo"
)

// TestHostileInput sends every route a battery of bad requests: none may
// answer 5xx, and every 4xx must be a problem the document allows.
func TestHostileInput(t *testing.T) {
	hostile(t, newAPI(t))
}

// TestHostileInputDynamo runs the battery on the DynamoDB store, served by
// minidyn in-process: DynamoDB refuses some keys and values the memory
// store keeps.
func TestHostileInputDynamo(t *testing.T) {
	srv, err := localdynamo.Start("")
	if err != nil {
		t.Fatalf("start minidyn: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	client, err := dynamo.NewClient(t.Context(), dynamo.ClientConfig{Endpoint: srv.URL, Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	const table = "orders-hostile"
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	svc := domain.NewService(dynamo.NewStore(client, table))
	seedProducts(t, svc)
	hostile(t, newAPIOf(t, svc))
}

func hostile(t *testing.T, api *apitest.API) {
	setItem(t, api, alice, "mug", 2)
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/orders", Body: address, Claims: alice,
		Header: map[string]string{"Idempotency-Key": "hostile-setup"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("place: %d %s", res.Status, res.Body)
	}
	var order struct{ ID string }
	res.JSON(t, &order)
	// The cart has an item again, so that placing an order reaches past
	// the empty-cart check.
	setItem(t, api, alice, "pen", 1)

	apitest.Hostile(t, api, apitest.HostileOptions{
		Claims: alice,
		Paths: map[string]string{
			"PUT /v1/cart/items/{productId}":    "/v1/cart/items/mug",
			"DELETE /v1/cart/items/{productId}": "/v1/cart/items/lamp",
			"GET /v1/orders/{id}":               "/v1/orders/" + order.ID,
			"POST /v1/orders/{id}/cancel":       "/v1/orders/" + order.ID + "/cancel",
		},
		Headers: map[string]string{"Idempotency-Key": "hostile-1"},
		Bodies: map[string]string{
			"PUT /v1/cart/items/{productId}": `{"quantity":1}`,
			"POST /v1/orders":                address,
		},
	})
}
