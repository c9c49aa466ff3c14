package dynamo

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/table"
)

var _ outbox.Store = (*Store)(nil)

// outboxShards is the number of partitions the outbox is spread over,
// OUTBOX#0 to OUTBOX#3, by a hash of the event's ID. One partition takes at
// most 1,000 writes a second; every event is written and deleted once, so
// four allow about 2,000 events a second, far above what orders makes,
// while the sweep reads the whole outbox, oldest first, with four Queries
// and no Scan. More shards mean more Queries per sweep; fewer, a lower
// ceiling.
const outboxShards = 4

func outboxShard(eventID string) int {
	h := fnv.New32a()
	h.Write([]byte(eventID))
	return int(h.Sum32() % outboxShards)
}

// newToken returns a ClientRequestToken for one TransactWriteItems call:
// the SDK's retries of that call reuse it (so a retry of a transaction
// that committed does not apply it twice), and no other call does, since
// DynamoDB rejects a token reused for a different transaction within ten
// minutes (IdempotentParameterMismatchException), and the next attempt of
// an optimistic loop is a different transaction.
func newToken() *string { return aws.String(rand.Text()) }

// outboxPuts returns the writes that put events in the outbox.
func (s *Store) outboxPuts(events []event.Envelope) ([]types.TransactWriteItem, error) {
	var items []types.TransactWriteItem
	for _, e := range events {
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode event %s: %w", e.ID, err)
		}
		item, err := attributevalue.MarshalMap(outboxRow{
			PK: outboxPK(outboxShard(e.ID)), SK: e.ID, Type: typeOutbox, Event: e.Type, Envelope: raw,
		})
		if err != nil {
			return nil, fmt.Errorf("encode outbox item: %w", err)
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: &s.table, Item: item,
			ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
			ExpressionAttributeNames: map[string]string{"#pk": table.PK},
		}})
	}
	return items, nil
}

// processedPut returns the write that records p, unless it is recorded.
func (s *Store) processedPut(p orders.Processed) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMap(processedRow{
		PK: processedPK(p.EventID), SK: processedSK, Type: typeProcessed, EventID: p.EventID,
		At: formatTime(p.At), ExpiresAt: p.ExpiresAt().Unix(),
	})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode processed event: %w", err)
	}
	// A record past its expiry that TTL has not deleted yet counts as
	// gone, as readers of TTL items must treat it.
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(#pk) OR #expiresAt <= :now"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.PK, "#expiresAt": table.TTL},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": number(p.At.Unix())},
	}}, nil
}

// cancelled returns the reasons of a cancelled transaction, or nil when err
// is not one.
func cancelled(err error) []types.CancellationReason {
	if tce, ok := errors.AsType[*types.TransactionCanceledException](err); ok {
		return tce.CancellationReasons
	}
	return nil
}

func reasonIs(reasons []types.CancellationReason, i int, code string) bool {
	return i >= 0 && i < len(reasons) && aws.ToString(reasons[i].Code) == code
}

func anyReason(reasons []types.CancellationReason, code string) bool {
	return slices.ContainsFunc(reasons, func(r types.CancellationReason) bool { return aws.ToString(r.Code) == code })
}

// UpdateOrder writes the change in one TransactWriteItems: the order
// header's status, updatedAt and version, conditioned on the version read;
// an outbox item per event; and the processed-event record, conditioned on
// its absence. A lost race re-reads and updates again.
func (s *Store) UpdateOrder(ctx context.Context, u orders.OrderUpdate) (orders.Order, []event.Envelope, error) {
	for attempt := range optimistic.Attempts {
		o, err := s.order(ctx, u.CustomerID, u.ID)
		if err != nil {
			return orders.Order{}, nil, err
		}
		version := o.Version
		events, err := u.Update(&o)
		if err != nil {
			return orders.Order{}, nil, err
		}
		var items []types.TransactWriteItem
		headerIndex, processedIndex := -1, -1
		if o.Version != version {
			if err := optimistic.NextVersion(version, o.Version); err != nil {
				return orders.Order{}, nil, fmt.Errorf("order %s: %w", u.ID, err)
			}
			headerIndex = len(items)
			items = append(items, types.TransactWriteItem{Update: s.orderHeaderUpdate(o, version)})
		} else if len(events) > 0 {
			return orders.Order{}, nil, fmt.Errorf("order %s: events without a change", u.ID)
		}
		puts, err := s.outboxPuts(events)
		if err != nil {
			return orders.Order{}, nil, err
		}
		items = append(items, puts...)
		if u.Event != nil {
			w, err := s.processedPut(*u.Event)
			if err != nil {
				return orders.Order{}, nil, err
			}
			processedIndex = len(items)
			items = append(items, w)
		}
		if len(items) == 0 {
			return o, nil, nil // nothing changed, nothing to record
		}
		_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			TransactItems: items, ClientRequestToken: newToken(),
		})
		reasons := cancelled(err)
		switch {
		case err == nil:
			return o, events, nil
		case reasonIs(reasons, processedIndex, "ConditionalCheckFailed"):
			return orders.Order{}, nil, orders.ErrAlreadyProcessed
		case reasonIs(reasons, headerIndex, "ConditionalCheckFailed"), anyReason(reasons, "TransactionConflict"):
			// another change of the order, or of the same event, won: again
		default:
			return orders.Order{}, nil, fmt.Errorf("update order: %w", err)
		}
		if err := optimistic.Backoff(ctx, attempt); err != nil {
			return orders.Order{}, nil, err
		}
	}
	return orders.Order{}, nil, fmt.Errorf("order %s: %w", u.ID, orders.ErrConflict)
}

// orderHeaderUpdate returns the update of o's header from version to
// o.Version: its status, updatedAt and version, and its cancellation once
// it has one (an order's cancellation is never unset, so nothing is
// removed).
func (s *Store) orderHeaderUpdate(o orders.Order, version int) *types.Update {
	set := "SET #status = :status, #updatedAt = :updatedAt, #version = :newVersion"
	names := map[string]string{"#status": "status", "#updatedAt": "updatedAt", "#version": "version"}
	values := map[string]types.AttributeValue{
		":status":     &types.AttributeValueMemberS{Value: string(o.Status)},
		":updatedAt":  &types.AttributeValueMemberS{Value: formatTime(o.UpdatedAt)},
		":newVersion": number(o.Version),
		":version":    number(version),
	}
	if c := o.Cancellation; c.Reason != "" {
		set += ", #cancelReason = :cancelReason"
		names["#cancelReason"] = "cancelReason"
		values[":cancelReason"] = &types.AttributeValueMemberS{Value: string(c.Reason)}
		if c.Stock != "" {
			set += ", #stockReason = :stockReason"
			names["#stockReason"] = "stockReason"
			values[":stockReason"] = &types.AttributeValueMemberS{Value: string(c.Stock)}
		}
	}
	return &types.Update{
		TableName:                 &s.table,
		Key:                       key(customerPK(o.CustomerID), orderSK(o.ID)),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("#version = :version"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}

// Products reads the projection's products with BatchGetItem, consistently,
// 100 keys a call, asking again for what DynamoDB left unprocessed.
func (s *Store) Products(ctx context.Context, ids []string) (map[string]orders.Product, error) {
	out := make(map[string]orders.Product, len(ids))
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, key(productPK(id), productSK))
		}
	}
	for len(keys) > 0 {
		n := min(len(keys), 100)
		pending := map[string]types.KeysAndAttributes{s.table: {Keys: keys[:n], ConsistentRead: aws.Bool(true)}}
		keys = keys[n:]
		for attempt := 0; len(pending) > 0; attempt++ {
			res, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, fmt.Errorf("get products: %w", err)
			}
			for _, item := range res.Responses[s.table] {
				var r productRow
				if err := attributevalue.UnmarshalMap(item, &r); err != nil {
					return nil, fmt.Errorf("decode product: %w", err)
				}
				out[r.ID] = fromProductRow(r)
			}
			pending = res.UnprocessedKeys
			if len(pending) > 0 {
				if attempt+1 >= optimistic.Attempts {
					return nil, fmt.Errorf("get products: %d keys left unprocessed: %w", len(pending[s.table].Keys), orders.ErrConflict)
				}
				if err := optimistic.Backoff(ctx, attempt); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// SaveProduct puts the product, conditioned on holding no version as high,
// and records the event, conditioned on its absence, in one
// TransactWriteItems. Either condition failing means there is nothing to
// do: a stale snapshot writes no record, and needs none, since it will be
// as stale when it comes again.
func (s *Store) SaveProduct(ctx context.Context, e orders.Processed, p orders.Product) (bool, error) {
	item, err := attributevalue.MarshalMap(toProductRow(p, e.EventID, e.At))
	if err != nil {
		return false, fmt.Errorf("encode product: %w", err)
	}
	processed, err := s.processedPut(e)
	if err != nil {
		return false, err
	}
	items := []types.TransactWriteItem{{Put: &types.Put{
		TableName: &s.table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(#pk) OR #version < :version"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.PK, "#version": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":version": number(p.Version)},
	}}, processed}
	for attempt := range optimistic.Attempts {
		_, err = s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			TransactItems: items, ClientRequestToken: newToken(),
		})
		reasons := cancelled(err)
		switch {
		case err == nil:
			return true, nil
		case anyReason(reasons, "ConditionalCheckFailed"):
			return false, nil
		case !anyReason(reasons, "TransactionConflict"):
			return false, fmt.Errorf("save product %s: %w", p.ID, err)
		}
		if err := optimistic.Backoff(ctx, attempt); err != nil {
			return false, err
		}
	}
	return false, fmt.Errorf("save product %s: %w", p.ID, orders.ErrConflict)
}

// Pending queries every outbox shard for the events made before before
// (their IDs, UUIDv7s, sort by the millisecond they were made, so a key
// condition on the ID selects them), and returns the oldest limit of them.
func (s *Store) Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	if limit <= 0 {
		return nil, nil
	}
	ms := uint64(max(before.UnixMilli(), 0))
	bound := fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff) // the IDs of before's millisecond start with it
	var all []event.Envelope
	for shard := range outboxShards {
		in := &dynamodb.QueryInput{
			TableName:                &s.table,
			KeyConditionExpression:   aws.String("#pk = :pk AND #sk < :bound"),
			ExpressionAttributeNames: map[string]string{"#pk": table.PK, "#sk": table.SK},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":    &types.AttributeValueMemberS{Value: outboxPK(shard)},
				":bound": &types.AttributeValueMemberS{Value: bound},
			},
			ConsistentRead: aws.Bool(true),
			Limit:          aws.Int32(int32(limit)),
		}
		got := 0
		for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages() && got < limit; {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("query outbox: %w", err)
			}
			for _, item := range out.Items {
				var r outboxRow
				if err := attributevalue.UnmarshalMap(item, &r); err != nil {
					return nil, fmt.Errorf("decode outbox item: %w", err)
				}
				e, err := event.Parse(r.Envelope)
				if err != nil {
					return nil, fmt.Errorf("outbox item %s: %w", r.SK, err)
				}
				all = append(all, e)
				got++
			}
		}
	}
	slices.SortFunc(all, func(a, b event.Envelope) int { return cmp.Compare(a.ID, b.ID) })
	return all[:min(len(all), limit)], nil
}

// Remove deletes the outbox items of the events with BatchWriteItem, 25 a
// call, asking again for what DynamoDB left unprocessed.
func (s *Store) Remove(ctx context.Context, ids []string) error {
	var reqs []types.WriteRequest
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(outboxPK(outboxShard(id)), id)}})
		}
	}
	for len(reqs) > 0 {
		n := min(len(reqs), 25)
		pending := map[string][]types.WriteRequest{s.table: reqs[:n]}
		reqs = reqs[n:]
		for attempt := 0; len(pending) > 0; attempt++ {
			out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("remove from the outbox: %w", err)
			}
			pending = out.UnprocessedItems
			if len(pending) > 0 {
				if attempt+1 >= optimistic.Attempts {
					return fmt.Errorf("remove from the outbox: %d items left unprocessed: %w", len(pending[s.table]), orders.ErrConflict)
				}
				if err := optimistic.Backoff(ctx, attempt); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
