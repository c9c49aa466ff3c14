package orders_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/packages/benchratio"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/localdynamo"
	"example.com/quartet/services/orders/table"
)

// BenchmarkGetOrder compares GET /v1/orders/{id} on the full Lambda path
// (v2 event JSON → adapter → handler → DynamoDB on minidyn → response JSON)
// with the raw driver call doing the same store work: the store's one
// consistent Query of the order's header and its three lines (the header's
// sort key is a prefix of the lines'), read to the last page. Both talk to
// the same in-process minidyn over loopback HTTP through a client with the
// store's settings, so the ratio is the cost the context adds.
func BenchmarkGetOrder(b *testing.B) {
	ctx := b.Context()
	srv, err := localdynamo.Start("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	cfg := orders.Config{DynamoDBEndpoint: srv.URL, Region: "eu-west-1", TableName: "orders-bench", Events: event.Discard}
	app, err := orders.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(app.Close)
	if err := app.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	invoke := lambdahttp.Adapt(app.Handler())

	call := func(method, path, body string, headers map[string]string) (events.APIGatewayV2HTTPResponse, error) {
		event := newEvent(method, path, body, headers)
		return invoke(ctx, event)
	}
	for _, p := range []string{"mug", "cup", "bowl"} {
		if err := app.Subscription().Handle(ctx, productCreated(b, p, "Mug "+p, 1200)); err != nil {
			b.Fatal(err)
		}
		if res, err := call("PUT", "/v1/cart/items/"+p, `{"quantity":2}`, nil); err != nil || res.StatusCode != 200 {
			b.Fatalf("add %s: %v %d %s", p, err, res.StatusCode, res.Body)
		}
	}
	res, err := call("POST", "/v1/orders", `{"shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"D","country":"FR"}}`,
		map[string]string{"idempotency-key": "bench"})
	if err != nil || res.StatusCode != 201 {
		b.Fatalf("place order: %v %d %s", err, res.StatusCode, res.Body)
	}
	var order struct{ ID string }
	if err := json.Unmarshal([]byte(res.Body), &order); err != nil {
		b.Fatal(err)
	}

	eventJSON, err := json.Marshal(newEvent("GET", "/v1/orders/"+order.ID, "", nil))
	if err != nil {
		b.Fatal(err)
	}
	client, err := dynamo.NewClient(ctx, dynamo.ClientConfig{Endpoint: srv.URL, Region: "eu-west-1"})
	if err != nil {
		b.Fatal(err)
	}
	query := &dynamodb.QueryInput{
		TableName:                aws.String(cfg.TableName),
		KeyConditionExpression:   aws.String("#pk = :pk AND begins_with(#sk, :sk)"),
		ExpressionAttributeNames: map[string]string{"#pk": table.PK, "#sk": table.SK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "CUSTOMER#alice"},
			":sk": &types.AttributeValueMemberS{Value: "ORDER#" + order.ID},
		},
		ConsistentRead: aws.Bool(true),
	}

	benchratio.Run(b,
		benchratio.Case{Name: "raw", Op: func() error {
			items := 0
			for p := dynamodb.NewQueryPaginator(client, query); p.HasMorePages(); {
				out, err := p.NextPage(ctx)
				if err != nil {
					return err
				}
				items += len(out.Items)
			}
			if items != 4 {
				return fmt.Errorf("order %s: %d items, want the header and 3 lines", order.ID, items)
			}
			return nil
		}},
		benchratio.Case{Name: "full", Op: func() error {
			var event events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(eventJSON, &event); err != nil {
				return err
			}
			res, err := invoke(ctx, event)
			if err != nil {
				return err
			}
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d: %s", res.StatusCode, res.Body)
			}
			_, err = json.Marshal(res)
			return err
		}},
	)
}

// newEvent returns the API Gateway v2 event of a request by customer alice.
func newEvent(method, path, body string, headers map[string]string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{"content-type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	routeKey := method + " " + path
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, Headers: h, Body: body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: routeKey, Stage: "$default", RequestID: "bench",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": "alice", "roles": "[customer]"},
				},
			},
		},
	}
}
