package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/services/reviews/internal/reviews"
)

// appliedRetention is how long a summary remembers the ID of a change it
// applied (and a review the id of a vote it counted), from the moment it
// applied it. A change is applied again only by someone who read it on its
// review before the review was cleared, just after the first application,
// and every store call is bounded by seconds (the request budget, the
// client's operation timeout), so ten minutes is far beyond any reader
// that could still apply it. (Keyed on the change's own id, which dates
// from its review write, an old change applied late by two sweeps at once
// could be forgotten between the two.)
const appliedRetention = 10 * time.Minute

// stamp returns a UUIDv7 of now: when a change is applied or a vote
// counted.
func stamp() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new stamp: %w", err)
	}
	return id.String(), nil
}

// applyPending applies p to the summary of productID, once: the $inc is
// conditioned on the summary not listing p.ID yet, and lists it. Calling it
// again, concurrently or after a crash, does nothing more.
func (s *Store) applyPending(ctx context.Context, productID string, p *pendingDoc) error {
	inc := p.inc()
	if len(inc) == 0 {
		return nil
	}
	at, err := stamp()
	if err != nil {
		return err
	}
	unapplied := matching(func(d summaryDoc) bool { return !slices.Contains(d.Applied, p.ID) })
	apply := func() (bool, error) {
		return s.updateIf(ctx, s.summaries, productID,
			bson.D{{Key: "applied", Value: bson.D{{Key: "$ne", Value: p.ID}}}}, unapplied,
			bson.D{{Key: "$inc", Value: inc}, {Key: "$push", Value: bson.D{{Key: "applied", Value: p.ID}, {Key: "appliedAt", Value: at}}}})
	}
	err = s.serialize(summariesColl, productID, func() error {
		applied, err := apply()
		if err != nil || applied {
			return err
		}
		// No match: the summary lists p already, or does not exist yet.
		// Make sure it exists (a concurrent creation is as good), then try
		// once more; no match then means p was applied.
		_, err = s.summaries.UpdateOne(ctx, bson.D{{Key: "_id", Value: productID}},
			bson.D{{Key: "$setOnInsert", Value: bson.D{
				{Key: "r1", Value: 0}, {Key: "r2", Value: 0}, {Key: "r3", Value: 0}, {Key: "r4", Value: 0}, {Key: "r5", Value: 0},
			}}}, options.UpdateOne().SetUpsert(true))
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return err
		}
		_, err = apply()
		return err
	})
	if err != nil {
		return fmt.Errorf("apply change %s to the summary of product %s: %w", p.ID, productID, err)
	}
	return nil
}

// finishPending completes the change d owes: it applies d.Pending to the
// summary, then clears it from the review; a tombstone is then deleted,
// with the review's votes, if its outbox is published too (dropTombstone).
// Every step is idempotent, so an operation, the sweep and a
// crash-interrupted earlier attempt may all finish the same change. The
// clear is conditioned on the change's ID, so it never clears a newer
// change.
func (s *Store) finishPending(ctx context.Context, d reviewDoc) error {
	p := d.Pending
	if p == nil {
		if d.Deleted {
			return s.dropTombstone(ctx, d.ID)
		}
		return nil
	}
	if err := s.applyPending(ctx, d.ProductID, p); err != nil {
		return err
	}
	owes := bson.D{{Key: "pending.id", Value: p.ID}}
	stillOwes := matching(func(r reviewDoc) bool { return r.Pending != nil && r.Pending.ID == p.ID })
	err := s.serialize(reviewsColl, d.ID, func() error {
		_, err := s.updateIf(ctx, s.reviews, d.ID, owes, stillOwes, bson.D{{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("clear change %s of review %s: %w", p.ID, d.ID, err)
	}
	if d.Deleted {
		return s.dropTombstone(ctx, d.ID)
	}
	return nil
}

// dropTombstone deletes the tombstone id, and then the votes of its
// review, if it owes its summary nothing and its outbox is empty. The two
// writers that settle a tombstone, finishPending (which clears the change
// it owes) and Remove (which empties its outbox), each call it after their
// own write, so whichever comes second deletes it.
func (s *Store) dropTombstone(ctx context.Context, id string) error {
	settled := bson.D{
		{Key: "deleted", Value: true},
		{Key: "pending", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "outboxIds", Value: bson.D{{Key: "$exists", Value: false}}},
	}
	isSettled := matching(func(r reviewDoc) bool { return r.Deleted && r.Pending == nil && len(r.OutboxIDs) == 0 })
	var deleted bool
	err := s.serialize(reviewsColl, id, func() (err error) {
		deleted, err = s.deleteIf(ctx, s.reviews, id, settled, isSettled)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete tombstone %s: %w", id, err)
	}
	if !deleted {
		return nil
	}
	// Leftover votes of a deleted review are harmless: no review will
	// have its ID again. Deleting them only saves space.
	if _, err := s.votes.DeleteMany(ctx, bson.D{{Key: "reviewId", Value: id}}); err != nil {
		return fmt.Errorf("delete votes of review %s: %w", id, err)
	}
	return nil
}

// countVote counts v in its review's helpful count, once: the $inc is
// conditioned on the review not listing v's count id yet, and lists it.
// Then it clears v's pending count id. It returns the review as counted,
// or ErrNotFound, after deleting v, when the review is gone or deleted.
func (s *Store) countVote(ctx context.Context, v voteDoc) (reviewDoc, error) {
	at, err := stamp()
	if err != nil {
		return reviewDoc{}, err
	}
	var d reviewDoc
	err = s.serialize(reviewsColl, v.ReviewID, func() error {
		_, err := s.updateIf(ctx, s.reviews, v.ReviewID,
			bson.D{{Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}, {Key: "countedVotes", Value: bson.D{{Key: "$ne", Value: v.Pending}}}},
			matching(func(r reviewDoc) bool { return !r.Deleted && !slices.Contains(r.CountedVotes, v.Pending) }),
			bson.D{{Key: "$inc", Value: bson.D{{Key: "helpfulCount", Value: 1}}},
				{Key: "$push", Value: bson.D{{Key: "countedVotes", Value: v.Pending}, {Key: "countedAt", Value: at}}}})
		if err != nil {
			return err
		}
		// Counted now or before, unless the review is gone or deleted.
		return s.reviews.FindOne(ctx, bson.D{{Key: "_id", Value: v.ReviewID}}).Decode(&d)
	})
	switch {
	case errors.Is(err, mongo.ErrNoDocuments) || err == nil && d.Deleted:
		if _, err := s.votes.DeleteOne(ctx, bson.D{{Key: "_id", Value: v.ID}}); err != nil {
			return reviewDoc{}, fmt.Errorf("delete vote %s of a deleted review: %w", v.ID, err)
		}
		return reviewDoc{}, reviews.ErrNotFound
	case err != nil:
		return reviewDoc{}, fmt.Errorf("count vote %s: %w", v.ID, err)
	}
	err = s.serialize(votesColl, v.ID, func() error {
		_, err := s.updateIf(ctx, s.votes, v.ID, bson.D{{Key: "pending", Value: v.Pending}},
			matching(func(x voteDoc) bool { return x.Pending == v.Pending }),
			bson.D{{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}})
		return err
	})
	if err != nil {
		return reviewDoc{}, fmt.Errorf("clear the count of vote %s: %w", v.ID, err)
	}
	return d, nil
}

// owed finishes the change that an operation just wrote with the review,
// on a followUp context. The review change is done whatever happens here:
// if this fails (the caller's deadline, a store that stops answering, a
// crash), the change stays on the review for the next sweep, and the
// operation still succeeds.
func (s *Store) owed(ctx context.Context, d reviewDoc) {
	ctx, cancel := followUp(ctx)
	defer cancel()
	if err := s.finishPending(ctx, d); err != nil {
		s.logger.WarnContext(ctx, "summary change left to the sweep", "review", d.ID, "change", d.Pending.ID, "err", err)
	}
}

// SweepResult is what one Sweep did.
type SweepResult struct {
	Finished  int // changes owed by reviews, now applied
	Counted   int // helpful votes not counted yet, now counted (or dropped with their deleted review)
	Forgotten int // applied change and counted vote ids dropped from summaries and reviews
	Verified  int // new reviews whose purchases were not looked up yet, now looked up
}

// Sweep finishes every change that reviews owe their summaries, and counts
// every helpful vote not counted yet, that is at least minAge old, whoever
// wrote it: changes left by a process that died, or by an operation cut
// short, between its first write and the next. Young changes are normally
// being finished by the operation that wrote them; finishing them too is
// harmless, only wasted work. Then, if every change was finished, it drops
// from the summaries and reviews the ids of changes applied and votes
// counted more than appliedRetention ago.
//
// Sweeps may run at the same time, in several processes, as operations do:
// every step is idempotent. The start sweep (minAge 0) runs when the
// context starts; the periodic one every SweepInterval, locally, or on a
// schedule in AWS (see the README, "Summary consistency").
func (s *Store) Sweep(ctx context.Context, minAge time.Duration) (SweepResult, error) {
	var res SweepResult
	filter := bson.D{{Key: "pending.id", Value: bson.D{{Key: "$exists", Value: true}}}}
	if minAge > 0 {
		filter = bson.D{{Key: "pending.id", Value: bson.D{{Key: "$lt", Value: idFloor(time.Now().Add(-minAge))}}}}
	}
	var owing []reviewDoc
	if err := scanFilter(ctx, s.reviews, filter, nil, func(d reviewDoc) { owing = append(owing, d) }); err != nil {
		return res, err
	}
	voteFilter := bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}}
	if minAge > 0 {
		voteFilter = bson.D{{Key: "pending", Value: bson.D{{Key: "$lt", Value: idFloor(time.Now().Add(-minAge))}}}}
	}
	var uncounted []voteDoc
	if err := scanFilter(ctx, s.votes, voteFilter, nil, func(v voteDoc) { uncounted = append(uncounted, v) }); err != nil {
		return res, err
	}
	var unverified []reviewDoc
	verifyFilter := bson.D{{Key: "verify", Value: true}}
	if minAge > 0 {
		verifyFilter = append(verifyFilter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: idFloor(time.Now().Add(-minAge))}}})
	}
	if err := scanFilter(ctx, s.reviews, verifyFilter, nil, func(d reviewDoc) { unverified = append(unverified, d) }); err != nil {
		return res, err
	}
	var errs []error
	for _, d := range unverified {
		if _, err := s.verify(ctx, d.ID, d.AuthorID, d.ProductID, true); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Verified++
	}
	for _, d := range owing {
		if err := s.finishPending(ctx, d); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Finished++
	}
	for _, v := range uncounted {
		if _, err := s.countVote(ctx, v); err != nil && !errors.Is(err, reviews.ErrNotFound) {
			errs = append(errs, err)
			continue
		}
		res.Counted++
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("sweep: %d of %d owed changes not finished: %w", len(errs), len(owing)+len(uncounted)+len(unverified), errors.Join(errs...))
	}
	floor := idFloor(time.Now().Add(-appliedRetention))
	for _, list := range []struct {
		coll     *mongo.Collection
		ids, ats string
	}{{s.summaries, "applied", "appliedAt"}, {s.reviews, "countedVotes", "countedAt"}} {
		n, err := s.forget(ctx, list.coll, list.ids, list.ats, floor)
		res.Forgotten += n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// forget drops from every document of coll the ids (list field ids)
// whose stamp (list field ats, same positions) is older than floor, with
// their stamps. FerretDB v1's $pull takes no conditions, so the entries to
// drop are picked here and removed by value with $pullAll; ids and stamps
// are unique, so the two lists stay aligned.
func (s *Store) forget(ctx context.Context, coll *mongo.Collection, ids, ats, floor string) (int, error) {
	type entries struct {
		docID    string
		ids, ats bson.A
	}
	var old []entries
	err := scanFilter(ctx, coll, bson.D{{Key: ats, Value: bson.D{{Key: "$lt", Value: floor}}}},
		options.Find().SetProjection(bson.D{{Key: ids, Value: 1}, {Key: ats, Value: 1}}), func(d bson.M) {
			e := entries{}
			e.docID, _ = d["_id"].(string)
			idList, _ := d[ids].(bson.A)
			atList, _ := d[ats].(bson.A)
			for i, at := range atList {
				if at, ok := at.(string); ok && at < floor && i < len(idList) {
					e.ids, e.ats = append(e.ids, idList[i]), append(e.ats, at)
				}
			}
			old = append(old, e)
		})
	if err != nil {
		return 0, err
	}
	forgotten := 0
	for _, e := range old {
		if len(e.ids) == 0 {
			continue
		}
		err := s.serialize(coll.Name(), e.docID, func() error {
			_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.docID}},
				bson.D{{Key: "$pullAll", Value: bson.D{{Key: ids, Value: e.ids}, {Key: ats, Value: e.ats}}}})
			return err
		})
		if err != nil {
			return forgotten, fmt.Errorf("forget old ids of %s %s: %w", coll.Name(), e.docID, err)
		}
		forgotten += len(e.ids)
	}
	return forgotten, nil
}

// idFloor returns a string that sorts after the UUIDv7 of every instant
// before t and before those of t and later: the UUID's leading 48-bit
// millisecond timestamp in the UUID's own hex layout.
func idFloor(t time.Time) string {
	ms := uint64(t.UnixMilli())
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff)
}

// RunSweeper sweeps every interval, finishing changes older than
// min(interval, 5 s) — by then the operation that wrote a change has given
// up on it — until ctx is done. Errors are logged; the next round tries again.
// It is for long-running processes (make dev); a Lambda function sweeps at
// start and on a schedule instead.
func (s *Store) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sctx, cancel := context.WithTimeout(ctx, max(interval, 10*time.Second))
		res, err := s.Sweep(sctx, min(interval, 5*time.Second))
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			s.logger.WarnContext(ctx, "sweep of owed summary changes failed", "err", err)
		case res.Finished > 0 || res.Counted > 0:
			s.logger.InfoContext(ctx, "sweep finished owed changes", "finished", res.Finished, "counted", res.Counted)
		}
	}
}
