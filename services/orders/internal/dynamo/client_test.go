package dynamo_test

import (
	"net/http/httptrace"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/table"
)

// TestClientReusesConnections sends requests one after another, as a
// Lambda execution environment does, and counts the connections the
// client dials. Without the buffered request bodies the SDK's client
// dialled again for about one request in ten on minidyn.
func TestClientReusesConnections(t *testing.T) {
	client := newClient(t, minidynURL(t))
	name := "reuse-" + t.Name()
	if err := dynamo.CreateTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	const requests = 500
	dials := 0
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if !info.Reused {
				dials++
			}
		},
	})
	key := map[string]types.AttributeValue{
		table.PK: &types.AttributeValueMemberS{Value: "CUSTOMER#reuse"},
		table.SK: &types.AttributeValueMemberS{Value: "CART"},
	}
	for range requests {
		if _, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: key}); err != nil {
			t.Fatal(err)
		}
	}
	// One dial, and a little slack for a loaded machine; the fault this
	// guards against dialled about fifty times.
	if dials > 5 {
		t.Errorf("%d requests dialled %d connections, want them to reuse one", requests, dials)
	}
}
