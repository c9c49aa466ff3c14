package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/packages/optimistic"
	"example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/table"
)

// Store is an orders.Store, and the context's outbox.Store, in one
// DynamoDB table.
type Store struct {
	client *dynamodb.Client
	table  string
}

var _ orders.Store = (*Store)(nil)

// NewStore returns a Store on the table named tableName, which must have
// the shape of table.Orders.
func NewStore(client *dynamodb.Client, tableName string) *Store {
	return &Store{client: client, table: tableName}
}

func (s *Store) Cart(ctx context.Context, customerID string) (orders.Cart, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            key(customerPK(customerID), cartSK),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return orders.Cart{}, fmt.Errorf("get cart: %w", err)
	}
	if out.Item == nil {
		return orders.EmptyCart(customerID), nil
	}
	var row cartRow
	if err := attributevalue.UnmarshalMap(out.Item, &row); err != nil {
		return orders.Cart{}, fmt.Errorf("decode cart: %w", err)
	}
	return fromCartRow(row)
}

func (s *Store) UpdateCart(ctx context.Context, customerID string, update func(*orders.Cart) error) (orders.Cart, error) {
	for attempt := range optimistic.Attempts {
		c, err := s.Cart(ctx, customerID)
		if err != nil {
			return orders.Cart{}, err
		}
		version := c.Version
		if err := update(&c); err != nil {
			return orders.Cart{}, err
		}
		if err := optimistic.NextVersion(version, c.Version); err != nil {
			return orders.Cart{}, fmt.Errorf("cart of %s: %w", customerID, err)
		}
		c.CustomerID = customerID
		item, err := attributevalue.MarshalMap(toCartRow(c))
		if err != nil {
			return orders.Cart{}, fmt.Errorf("encode cart: %w", err)
		}
		cond, names, values := versionCondition(version)
		_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: &s.table, Item: item,
			ConditionExpression: &cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		})
		if !isConditionFailed(err) {
			if err != nil {
				return orders.Cart{}, fmt.Errorf("put cart: %w", err)
			}
			return c, nil
		}
		if err := optimistic.Backoff(ctx, attempt); err != nil {
			return orders.Cart{}, err
		}
	}
	return orders.Cart{}, fmt.Errorf("cart of %s: %w", customerID, orders.ErrConflict)
}

// versionCondition is the condition that an item is still at version, or
// absent for version 0.
func versionCondition(version int) (string, map[string]string, map[string]types.AttributeValue) {
	if version == 0 {
		return "attribute_not_exists(#pk)", map[string]string{"#pk": table.PK}, nil
	}
	return "#version = :version", map[string]string{"#version": "version"},
		map[string]types.AttributeValue{":version": number(version)}
}

func (s *Store) ClaimKey(ctx context.Context, c orders.Claim) (orders.Response, bool, error) {
	row := idempotencyRow{
		PK: customerPK(c.CustomerID), SK: idempotencySK(c.Key), Type: typeIdempotency,
		Customer: c.CustomerID, Key: c.Key, RequestHash: c.RequestHash, State: stateInProgress,
		Token: c.Token, LockedUntil: c.LockedUntil().UnixMilli(), ExpiresAt: c.ExpiresAt().Unix(),
	}
	item, err := attributevalue.MarshalMap(row)
	if err != nil {
		return orders.Response{}, false, fmt.Errorf("encode idempotency record: %w", err)
	}
	// A record that is gone, expired, or an abandoned claim on the same
	// request can be taken; anything else is read to say why not. The read
	// may find the record gone (released meanwhile): then claim again.
	for range 3 {
		_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: &s.table,
			Item:      item,
			ConditionExpression: aws.String("attribute_not_exists(#pk) OR #expiresAt <= :nowSeconds" +
				" OR (#state = :inProgress AND #requestHash = :requestHash AND #lockedUntil <= :nowMillis)"),
			ExpressionAttributeNames: map[string]string{
				"#pk": table.PK, "#expiresAt": table.TTL, "#state": "state",
				"#requestHash": "requestHash", "#lockedUntil": "lockedUntil",
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":nowSeconds":  number(c.Now.Unix()),
				":nowMillis":   number(c.Now.UnixMilli()),
				":inProgress":  &types.AttributeValueMemberS{Value: stateInProgress},
				":requestHash": &types.AttributeValueMemberS{Value: c.RequestHash},
			},
		})
		if err == nil {
			return orders.Response{}, false, nil
		}
		if !isConditionFailed(err) {
			return orders.Response{}, false, fmt.Errorf("claim idempotency key: %w", err)
		}
		held, found, err := s.idempotencyRecord(ctx, c)
		switch {
		case err != nil:
			return orders.Response{}, false, err
		case !found || held.ExpiresAt <= c.Now.Unix():
			continue
		case held.RequestHash != c.RequestHash:
			return orders.Response{}, false, orders.ErrKeyReused
		case held.State != stateCompleted:
			return orders.Response{}, false, orders.KeyInProgress(time.UnixMilli(held.LockedUntil), c.Now)
		}
		return orders.Response{Status: held.Status, Body: held.Body}, true, nil
	}
	return orders.Response{}, false, fmt.Errorf("claim idempotency key: %w", orders.ErrConflict)
}

func (s *Store) idempotencyRecord(ctx context.Context, c orders.Claim) (idempotencyRow, bool, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            key(customerPK(c.CustomerID), idempotencySK(c.Key)),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return idempotencyRow{}, false, fmt.Errorf("get idempotency record: %w", err)
	}
	if out.Item == nil {
		return idempotencyRow{}, false, nil
	}
	var row idempotencyRow
	if err := attributevalue.UnmarshalMap(out.Item, &row); err != nil {
		return idempotencyRow{}, false, fmt.Errorf("decode idempotency record: %w", err)
	}
	return row, true, nil
}

func (s *Store) ReleaseKey(ctx context.Context, c orders.Claim) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                &s.table,
		Key:                      key(customerPK(c.CustomerID), idempotencySK(c.Key)),
		ConditionExpression:      aws.String("#state = :inProgress AND #token = :token"),
		ExpressionAttributeNames: map[string]string{"#state": "state", "#token": "token"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":inProgress": &types.AttributeValueMemberS{Value: stateInProgress},
			":token":      &types.AttributeValueMemberS{Value: c.Token},
		},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PlaceOrder writes, in one TransactWriteItems: the order's header, one
// item per line, the completed idempotency record, the emptied cart and an
// outbox item per event.
func (s *Store) PlaceOrder(ctx context.Context, p orders.Placement) error {
	o := p.Order
	header, lines := toOrderRows(o)
	var items []types.TransactWriteItem

	put := func(row any, cond string, names map[string]string, values map[string]types.AttributeValue) error {
		item, err := attributevalue.MarshalMap(row)
		if err != nil {
			return fmt.Errorf("encode %T: %w", row, err)
		}
		w := &types.Put{TableName: &s.table, Item: item, ExpressionAttributeNames: names, ExpressionAttributeValues: values}
		if cond != "" {
			w.ConditionExpression = &cond
		}
		items = append(items, types.TransactWriteItem{Put: w})
		return nil
	}
	notExists := map[string]string{"#pk": table.PK}
	if err := put(header, "attribute_not_exists(#pk)", notExists, nil); err != nil {
		return err
	}
	for _, l := range lines {
		if err := put(l, "attribute_not_exists(#pk)", notExists, nil); err != nil {
			return err
		}
	}

	claimIndex := len(items)
	items = append(items, types.TransactWriteItem{Update: &types.Update{
		TableName:           &s.table,
		Key:                 key(customerPK(p.Claim.CustomerID), idempotencySK(p.Claim.Key)),
		UpdateExpression:    aws.String("SET #state = :completed, #status = :status, #body = :body, #orderId = :orderId"),
		ConditionExpression: aws.String("#state = :inProgress AND #token = :token"),
		ExpressionAttributeNames: map[string]string{
			"#state": "state", "#status": "responseStatus", "#body": "responseBody",
			"#orderId": "orderId", "#token": "token",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":completed":  &types.AttributeValueMemberS{Value: stateCompleted},
			":inProgress": &types.AttributeValueMemberS{Value: stateInProgress},
			":status":     number(p.Response.Status),
			":body":       &types.AttributeValueMemberB{Value: p.Response.Body},
			":orderId":    &types.AttributeValueMemberS{Value: o.ID},
			":token":      &types.AttributeValueMemberS{Value: p.Claim.Token},
		},
	}})

	cartIndex := len(items)
	empty := orders.Cart{CustomerID: o.CustomerID, Version: p.CartVersion + 1, UpdatedAt: o.PlacedAt}
	cond, names, values := versionCondition(p.CartVersion)
	if err := put(toCartRow(empty), cond, names, values); err != nil {
		return err
	}
	puts, err := s.outboxPuts(p.Events)
	if err != nil {
		return err
	}
	items = append(items, puts...)

	_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: items,
		// Makes the SDK's retries of this call idempotent for ten minutes.
		// The claim's token is the request's own, and a request makes one
		// placement transaction.
		ClientRequestToken: aws.String(p.Claim.Token),
	})
	if tce, ok := errors.AsType[*types.TransactionCanceledException](err); ok {
		for i, r := range tce.CancellationReasons {
			switch code := aws.ToString(r.Code); {
			case code == "ConditionalCheckFailed" && i == claimIndex:
				return orders.ErrClaimLost
			case code == "ConditionalCheckFailed" && i == cartIndex:
				return fmt.Errorf("the cart changed while the order was placed: %w", orders.ErrConflict)
			case code == "ConditionalCheckFailed", code == "TransactionConflict":
				return fmt.Errorf("place order %s: %s: %w", o.ID, code, orders.ErrConflict)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("place order: %w", err)
	}
	return nil
}

func (s *Store) Order(ctx context.Context, customerID, id string) (orders.Order, error) {
	return s.order(ctx, customerID, id)
}

// order reads an order's header and lines with one Query: the lines' sort
// keys extend the header's, so begins_with selects exactly them.
func (s *Store) order(ctx context.Context, customerID, id string) (orders.Order, error) {
	in := &dynamodb.QueryInput{
		TableName:                &s.table,
		KeyConditionExpression:   aws.String("#pk = :pk AND begins_with(#sk, :sk)"),
		ExpressionAttributeNames: map[string]string{"#pk": table.PK, "#sk": table.SK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: customerPK(customerID)},
			":sk": &types.AttributeValueMemberS{Value: orderSK(id)},
		},
		ConsistentRead: aws.Bool(true),
	}
	var (
		header *orderRow
		lines  []orderLineRow
	)
	for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return orders.Order{}, fmt.Errorf("query order: %w", err)
		}
		for _, item := range out.Items {
			var typ struct {
				Type string `dynamodbav:"type"`
			}
			if err := attributevalue.UnmarshalMap(item, &typ); err != nil {
				return orders.Order{}, fmt.Errorf("decode order item: %w", err)
			}
			switch typ.Type {
			case typeOrder:
				header = new(orderRow)
				err = attributevalue.UnmarshalMap(item, header)
			case typeOrderLine:
				var l orderLineRow
				err = attributevalue.UnmarshalMap(item, &l)
				lines = append(lines, l)
			}
			if err != nil {
				return orders.Order{}, fmt.Errorf("decode order item: %w", err)
			}
		}
	}
	if header == nil {
		return orders.Order{}, orders.ErrNotFound
	}
	o, err := fromOrderRow(*header)
	if err != nil {
		return orders.Order{}, err
	}
	if len(lines) != header.LineCount {
		return orders.Order{}, fmt.Errorf("order %s has %d line items, want %d", id, len(lines), header.LineCount)
	}
	for _, l := range lines { // in sort key order, which is line order
		o.Lines = append(o.Lines, fromLineRow(l.lineRow))
	}
	return o, nil
}

// Orders queries the customer's partition of GSI1, newest first. It asks
// for one order more than the page holds to know whether a next page
// exists, and resumes after q.After through ExclusiveStartKey.
func (s *Store) Orders(ctx context.Context, q orders.Query) (orders.Page, error) {
	pk := &types.AttributeValueMemberS{Value: customerPK(q.CustomerID)}
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.GSI1PK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(q.Limit + 1)),
	}
	if q.After != "" {
		sk := &types.AttributeValueMemberS{Value: orderSK(q.After)}
		in.ExclusiveStartKey = map[string]types.AttributeValue{table.PK: pk, table.SK: sk, table.GSI1PK: pk, table.GSI1SK: sk}
	}
	out, err := s.client.Query(ctx, in)
	if err != nil {
		return orders.Page{}, fmt.Errorf("query orders: %w", err)
	}
	var rows []orderRow
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &rows); err != nil {
		return orders.Page{}, fmt.Errorf("decode orders: %w", err)
	}
	var page orders.Page
	for _, r := range rows[:min(len(rows), q.Limit)] {
		sum, err := fromOrderRowSummary(r)
		if err != nil {
			return orders.Page{}, err
		}
		page.Orders = append(page.Orders, sum)
	}
	if len(rows) > q.Limit {
		page.Next = page.Orders[q.Limit-1].ID
	}
	return page, nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		table.PK: &types.AttributeValueMemberS{Value: pk},
		table.SK: &types.AttributeValueMemberS{Value: sk},
	}
}

func number[N int | int64](n N) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(int64(n), 10)}
}

func isConditionFailed(err error) bool {
	_, ok := errors.AsType[*types.ConditionalCheckFailedException](err)
	return ok
}
