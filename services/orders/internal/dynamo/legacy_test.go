package dynamo_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/table"
)

// TestOrderCancelledBeforeReasons reads an order header as orders wrote
// it before it recorded why an order was cancelled (status cancelled, no
// cancelReason), on minidyn and DynamoDB Local: the order and its summary
// have no cancellation, and the order is still refused a second cancel.
func TestOrderCancelledBeforeReasons(t *testing.T) {
	for _, tt := range []struct {
		name     string
		endpoint func(testing.TB) string
	}{
		{"minidyn", minidynURL},
		{"DynamoDBLocal", ddbLocal.URL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client := newClient(t, tt.endpoint(t))
			testOrderCancelledBeforeReasons(t, client, newTable(t, client))
		})
	}
}

func testOrderCancelledBeforeReasons(t *testing.T, client *dynamodb.Client, name string) {
	ctx := t.Context()
	s := dynamo.NewStore(client, name)
	svc := orders.NewService(s)
	const product = "01975f2b-7788-7a99-8b00-c1d2e3f4a5b6"
	created, err := event.New(ctx, "catalog", orders.TypeProductCreated, product, 1, map[string]any{
		"productId": product, "name": "Mug", "status": "active", "version": 1,
		"price": map[string]any{"amount": 1250, "currency": "EUR"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.HandleEvent(ctx, created); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetCartItem(ctx, "alice", product, 1); err != nil {
		t.Fatal(err)
	}
	res, _, err := svc.PlaceOrder(ctx, orders.PlaceOrder{CustomerID: "alice", IdempotencyKey: "k1", RequestHash: "h",
		Shipping: orders.Address{Name: "Alice", Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}},
		func(o orders.Order) (orders.Response, error) {
			return orders.Response{Status: 201, Body: []byte(o.ID)}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	id := string(res.Body)

	// The update the store made before cancelReason existed.
	_, err = client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(name),
		Key: map[string]types.AttributeValue{
			table.PK: &types.AttributeValueMemberS{Value: "CUSTOMER#alice"},
			table.SK: &types.AttributeValueMemberS{Value: "ORDER#" + id},
		},
		UpdateExpression:         aws.String("SET #status = :cancelled, #version = :v"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#version": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":cancelled": &types.AttributeValueMemberS{Value: "cancelled"},
			":v":         &types.AttributeValueMemberN{Value: "2"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	o, err := s.Order(ctx, "alice", id)
	if err != nil || o.Status != orders.StatusCancelled || !o.Cancellation.IsZero() || o.Version != 2 || len(o.Lines) != 1 {
		t.Fatalf("Order = %s v%d cancelled %+v with %d lines, %v; want cancelled v2, no cancellation, 1 line", o.Status, o.Version, o.Cancellation, len(o.Lines), err)
	}
	page, err := s.Orders(ctx, orders.Query{CustomerID: "alice", Limit: 10})
	if err != nil || len(page.Orders) != 1 || !page.Orders[0].Cancellation.IsZero() || page.Orders[0].Status != orders.StatusCancelled {
		t.Fatalf("Orders = %+v, %v; want the cancelled order without a cancellation", page.Orders, err)
	}
	if _, err := svc.CancelOrder(ctx, "alice", id); !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("CancelOrder of an order cancelled before reasons = %v, want %v", err, orders.ErrNotCancellable)
	}
}
