package mongo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/services/reviews/internal/reviews"
)

// addToOutbox appends events to d's outbox.
func addToOutbox(d *reviewDoc, events []event.Envelope) error {
	for _, e := range events {
		raw, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event %s %s: %w", e.Type, e.ID, err)
		}
		d.Outbox = append(d.Outbox, outboxEntry{ID: e.ID, Envelope: string(raw)})
		d.OutboxIDs = append(d.OutboxIDs, e.ID)
	}
	if len(d.OutboxIDs) > 0 {
		d.OutboxSince = d.OutboxIDs[0]
	}
	return nil
}

// outboxFields are the $set fields that write d's outbox, which is not
// empty.
func outboxFields(d reviewDoc) bson.D {
	return bson.D{{Key: "outbox", Value: d.Outbox}, {Key: "outboxIds", Value: d.OutboxIDs}, {Key: "outboxSince", Value: d.OutboxSince}}
}

// outboxIs is the condition that a review's outbox holds exactly the
// events ids, in that order.
func outboxIs(ids []string) bson.E {
	if len(ids) == 0 {
		return bson.E{Key: "outboxIds", Value: bson.D{{Key: "$exists", Value: false}}}
	}
	return bson.E{Key: "outboxIds", Value: ids}
}

// Pending implements outbox.Store: the events written before before that
// the reviews' outboxes still hold, oldest first. It reads the reviews
// whose oldest event is older than before in that order, on the sparse
// outboxSince index, at most limit of them, which hold the limit oldest
// events (each holds its own oldest).
func (s *Store) Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	floor := idFloor(before)
	var out []event.Envelope
	var bad error
	err := scanFilter(ctx, s.reviews, bson.D{{Key: "outboxSince", Value: bson.D{{Key: "$lt", Value: floor}}}},
		options.Find().SetSort(bson.D{{Key: "outboxSince", Value: 1}}).SetLimit(int64(limit)).
			SetProjection(bson.D{{Key: "outbox", Value: 1}}),
		func(d reviewDoc) {
			for _, entry := range d.Outbox {
				if entry.ID >= floor {
					continue
				}
				e, err := event.Parse([]byte(entry.Envelope))
				if err != nil {
					bad = fmt.Errorf("event %s in the outbox of review %s: %w", entry.ID, d.ID, err)
					continue
				}
				out = append(out, e)
			}
		})
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	if bad != nil {
		return nil, bad
	}
	// IDs order events by the millisecond; their times, finer.
	slices.SortFunc(out, func(a, b event.Envelope) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Remove implements outbox.Store: it removes the events from the outboxes
// of the reviews holding them (on the sparse outboxIds index), each write
// conditioned on the outbox being as read, and deletes a tombstone whose
// outbox it empties (dropTombstone).
func (s *Store) Remove(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var holders []string
	err := scanFilter(ctx, s.reviews, bson.D{{Key: "outboxIds", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), func(d reviewDoc) { holders = append(holders, d.ID) })
	if err != nil {
		return fmt.Errorf("find the outboxes of published events: %w", err)
	}
	for _, id := range holders {
		if err := s.removeFrom(ctx, id, ids); err != nil {
			return err
		}
	}
	return nil
}

// removeFrom removes the events ids from the outbox of review id.
func (s *Store) removeFrom(ctx context.Context, id string, ids []string) error {
	for attempt := range optimistic.Attempts {
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
		var d reviewDoc
		err := s.reviews.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return nil // gone: nothing to remove
		case err != nil:
			return fmt.Errorf("read the outbox of review %s: %w", id, err)
		}
		kept := reviewDoc{}
		for _, entry := range d.Outbox {
			if !slices.Contains(ids, entry.ID) {
				kept.Outbox = append(kept.Outbox, entry)
				kept.OutboxIDs = append(kept.OutboxIDs, entry.ID)
			}
		}
		if len(kept.OutboxIDs) == len(d.OutboxIDs) {
			return nil
		}
		update := bson.D{{Key: "$unset", Value: bson.D{{Key: "outbox", Value: ""}, {Key: "outboxIds", Value: ""}, {Key: "outboxSince", Value: ""}}}}
		if len(kept.OutboxIDs) > 0 {
			kept.OutboxSince = kept.OutboxIDs[0]
			update = bson.D{{Key: "$set", Value: outboxFields(kept)}}
		}
		var matched bool
		err = s.serialize(reviewsColl, id, func() (err error) {
			matched, err = s.updateIf(ctx, s.reviews, id, bson.D{outboxIs(d.OutboxIDs)},
				matching(func(r reviewDoc) bool { return slices.Equal(r.OutboxIDs, d.OutboxIDs) }), update)
			return err
		})
		if err != nil {
			return fmt.Errorf("remove published events from the outbox of review %s: %w", id, err)
		}
		if !matched {
			continue // its outbox changed since read: read again
		}
		if d.Deleted && len(kept.OutboxIDs) == 0 {
			return s.dropTombstone(ctx, id)
		}
		return nil
	}
	return fmt.Errorf("remove published events from the outbox of review %s: %w", id, reviews.ErrConflict)
}
