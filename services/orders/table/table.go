// Package table is the one definition of the orders context's DynamoDB
// table: its key schema, secondary indexes, TTL attribute and billing mode.
// The DynamoDB adapter, the local runner and the tests create the table
// from it (CreateTableInput), and the AWS CDK stack reads the same values,
// so the deployed table and the local one cannot drift apart.
//
// The table is a single-table design: every entity of the context lives in
// it, under keys designed from its access patterns. services/orders/README.md
// lists the entities' key shapes and every access pattern.
package table

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DefaultName is the table's name when the configuration names none. Each
// AWS stage names its own table.
const DefaultName = "orders"

// Key is a primary key of string attributes (DynamoDB type S).
type Key struct {
	Partition string
	Sort      string
}

// Index is a global secondary index. Every index projects all attributes.
type Index struct {
	Name string
	Key  Key
}

// Definition describes a table.
type Definition struct {
	Key     Key
	Indexes []Index
	// TTLAttribute holds an item's expiry time in epoch seconds; DynamoDB
	// deletes expired items some time after it. Readers must still ignore
	// expired items themselves.
	TTLAttribute string
	// OnDemand is true for PAY_PER_REQUEST billing, the only mode this
	// package can describe (it holds no provisioned capacities).
	OnDemand bool
}

// Attribute names of the keys.
const (
	PK     = "PK"
	SK     = "SK"
	GSI1   = "GSI1"
	GSI1PK = "GSI1PK"
	GSI1SK = "GSI1SK"
	TTL    = "expiresAt"
)

// Orders is the orders context's table.
var Orders = Definition{
	Key:          Key{Partition: PK, Sort: SK},
	Indexes:      []Index{{Name: GSI1, Key: Key{Partition: GSI1PK, Sort: GSI1SK}}},
	TTLAttribute: TTL,
	OnDemand:     true,
}

// CreateTableInput returns the request that creates the table named name.
// Enabling TTL is a separate call (UpdateTimeToLive), made by the CDK stack.
func (d Definition) CreateTableInput(name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		KeySchema: keySchema(d.Key),
	}
	attrs := []string{d.Key.Partition, d.Key.Sort}
	for _, ix := range d.Indexes {
		attrs = append(attrs, ix.Key.Partition, ix.Key.Sort)
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  keySchema(ix.Key),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	for _, a := range attrs {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS,
		})
	}
	if d.OnDemand {
		in.BillingMode = types.BillingModePayPerRequest
	}
	return in
}

func keySchema(k Key) []types.KeySchemaElement {
	return []types.KeySchemaElement{
		{AttributeName: aws.String(k.Partition), KeyType: types.KeyTypeHash},
		{AttributeName: aws.String(k.Sort), KeyType: types.KeyTypeRange},
	}
}
