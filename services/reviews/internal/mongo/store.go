package mongo

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/services/reviews/internal/reviews"
)

// followUpTimeout bounds the writes that follow an operation's first
// write when the caller set no deadline.
const followUpTimeout = 5 * time.Second

// followUp returns the context for the writes that follow an operation's
// first write, the source of truth: not cancelled with ctx, because a
// caller that hangs up between the writes should not leave the summary
// behind for the next sweep, but within ctx's deadline, which is the
// request's budget of store work, or followUpTimeout without one.
func followUp(ctx context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(base, deadline)
	}
	return context.WithTimeout(base, followUpTimeout)
}

// backoff waits before every attempt of an optimistic loop but the first
// (packages/optimistic).
func backoff(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return nil
	}
	return optimistic.Backoff(ctx, attempt-1)
}

// Store is a reviews.Store on one MongoDB database.
//
// Every change is a single-document write, atomic on MongoDB. A review
// change that moves its product's summary writes, in the same review
// document, the summary change it owes (a pending change with a unique
// ID); the operation then applies that change to the summary, idempotently,
// and clears it from the review. A crash, a deadline or a failing store
// between the two leaves the change on the review, and Sweep finishes it
// later: summaries become exact again without anyone running Recompute.
// See the README, "Summary consistency".
type Store struct {
	reviews   *mongo.Collection
	votes     *mongo.Collection
	summaries *mongo.Collection
	products  *mongo.Collection
	purchases *mongo.Collection
	locks     *docLocks // nil on MongoDB; see Options.SerializeUpdates
	logger    *slog.Logger
}

var _ reviews.Store = (*Store)(nil)

// Options configure NewStore.
type Options struct {
	// SerializeUpdates makes the store run its updates of any one document
	// one at a time within this process. FerretDB v1 needs it: it runs an
	// update as a read followed by a separate write, so concurrent $inc or
	// version-guarded updates of one document lose updates (20 concurrent
	// $inc of one counter leave it at about 5). MongoDB updates documents
	// atomically and needs no help. Set it from IsFerretDB.
	SerializeUpdates bool
	// Logger receives the summary changes left to the sweep; nil discards.
	Logger *slog.Logger
}

// NewStore returns a Store on db. Run Migrate on db first: the unique
// indexes enforce one review per customer and product.
func NewStore(db *mongo.Database, opts Options) *Store {
	s := &Store{
		reviews:   db.Collection(reviewsColl),
		votes:     db.Collection(votesColl),
		summaries: db.Collection(summariesColl),
		products:  db.Collection(productsColl),
		purchases: db.Collection(purchasesColl),
		logger:    opts.Logger,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if opts.SerializeUpdates {
		s.locks = &docLocks{seed: maphash.MakeSeed()}
	}
	return s
}

// CreateReview implements reviews.Store. It inserts the review, whose
// unique (productId, authorId) index refuses a second review, with the +1
// it owes its summary and its events in its outbox, and then looks up the
// author's purchases (see verify) and applies the +1.
func (s *Store) CreateReview(ctx context.Context, r reviews.Review, events []event.Envelope) (reviews.Review, error) {
	d := toReviewDoc(r)
	d.VerifiedPurchase, d.Verify = false, true
	var err error
	if d.Pending, err = newPending(map[int]int{r.Rating: 1}); err != nil {
		return reviews.Review{}, err
	}
	if err := addToOutbox(&d, events); err != nil {
		return reviews.Review{}, err
	}
	for attempt := 0; ; attempt++ {
		_, err = s.reviews.InsertOne(ctx, d)
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) {
			return reviews.Review{}, fmt.Errorf("insert review: %w", err)
		}
		// The author's earlier review may be a tombstone of a deletion
		// from before tombstones gave up their author's place, cut short:
		// finish it, and insert again.
		var old reviewDoc
		ferr := s.reviews.FindOne(ctx, bson.D{{Key: "productId", Value: d.ProductID}, {Key: "authorId", Value: d.AuthorID}}).Decode(&old)
		switch {
		case errors.Is(ferr, mongo.ErrNoDocuments) && attempt == 0:
			continue // deleted meanwhile: insert again
		case ferr != nil && !errors.Is(ferr, mongo.ErrNoDocuments):
			return reviews.Review{}, fmt.Errorf("find the review the new one duplicates: %w", ferr)
		case attempt > 0 || !old.Deleted:
			return reviews.Review{}, reviews.ErrDuplicateReview
		}
		if err := s.finishPending(ctx, old); err != nil {
			return reviews.Review{}, err
		}
	}
	fctx, cancel := followUp(ctx)
	defer cancel()
	verified, err := s.verify(fctx, d.ID, d.AuthorID, d.ProductID, true)
	if err != nil {
		s.logger.WarnContext(ctx, "verified-purchase lookup left to the sweep", "review", d.ID, "err", err)
	}
	s.owed(ctx, d)
	r.VerifiedPurchase = verified
	return r, nil
}

// Review implements reviews.Store.
func (s *Store) Review(ctx context.Context, id string) (reviews.Review, error) {
	d, err := s.reviewDoc(ctx, id)
	if err != nil {
		return reviews.Review{}, err
	}
	return fromReviewDoc(d), nil
}

// reviewDoc returns the document of the review with the given ID, or
// ErrNotFound when there is none or it is a tombstone.
func (s *Store) reviewDoc(ctx context.Context, id string) (reviewDoc, error) {
	var d reviewDoc
	if err := s.reviews.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return reviewDoc{}, reviews.ErrNotFound
		}
		return reviewDoc{}, fmt.Errorf("find review: %w", err)
	}
	if d.Deleted {
		return reviewDoc{}, reviews.ErrNotFound
	}
	return d, nil
}

// Reviews implements reviews.Store with keyset pagination: the filter
// resumes after q.After in the order of the listing's index.
func (s *Store) Reviews(ctx context.Context, q reviews.Query) (reviews.Page, error) {
	filter := bson.D{{Key: "productId", Value: q.ProductID}, {Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}}
	sort := bson.D{{Key: "_id", Value: -1}}
	if key := sortField(q.Sort); key != "" {
		sort = bson.D{{Key: key, Value: -1}, {Key: "_id", Value: -1}}
	}
	if a := q.After; a != nil {
		if key := sortField(q.Sort); key == "" {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: a.ID}}})
		} else {
			filter = append(filter, bson.E{Key: "$or", Value: bson.A{
				bson.D{{Key: key, Value: bson.D{{Key: "$lt", Value: a.Key}}}},
				bson.D{{Key: key, Value: a.Key}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: a.ID}}}},
			}})
		}
	}
	cur, err := s.reviews.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(q.Limit)+1))
	if err != nil {
		return reviews.Page{}, fmt.Errorf("find reviews: %w", err)
	}
	var docs []reviewDoc
	if err := cur.All(ctx, &docs); err != nil {
		return reviews.Page{}, fmt.Errorf("read reviews: %w", err)
	}
	var page reviews.Page
	if len(docs) > q.Limit {
		docs = docs[:q.Limit]
		last := fromReviewDoc(docs[len(docs)-1])
		page.Next = &reviews.Position{Key: q.Sort.Key(last), ID: last.ID}
	}
	page.Reviews = make([]reviews.Review, len(docs))
	for i, d := range docs {
		page.Reviews[i] = fromReviewDoc(d)
	}
	return page, nil
}

// sortField names the document field a listing sorts on before _id, or ""
// for SortNewest.
func sortField(s reviews.Sort) string {
	switch s {
	case reviews.SortHelpful:
		return "helpfulCount"
	case reviews.SortRating:
		return "rating"
	}
	return ""
}

// UpdateReview implements reviews.Store. The write is guarded by the
// version it read, so a concurrent edit makes it retry; a changed rating
// writes, with the review, the change it owes the summary (one count moved
// between two counters), which is then applied. A change the review still
// owes from an earlier operation is finished first, so none is lost.
func (s *Store) UpdateReview(ctx context.Context, id string, update func(*reviews.Review) ([]event.Envelope, error)) (reviews.Review, error) {
	for attempt := range optimistic.Attempts {
		if err := backoff(ctx, attempt); err != nil {
			return reviews.Review{}, err
		}
		d, err := s.reviewDoc(ctx, id)
		if err != nil {
			return reviews.Review{}, err
		}
		if err := s.finishPending(ctx, d); err != nil {
			return reviews.Review{}, err
		}
		old := fromReviewDoc(d)
		next := old
		events, err := update(&next)
		if err != nil {
			return reviews.Review{}, err
		}
		set := bson.D{
			{Key: "rating", Value: next.Rating},
			{Key: "title", Value: next.Title},
			{Key: "body", Value: next.Body},
			{Key: "updatedAt", Value: next.UpdatedAt},
			{Key: "version", Value: next.Version},
		}
		saved := d
		saved.Rating, saved.Title, saved.Body = next.Rating, next.Title, next.Body
		saved.UpdatedAt, saved.Version, saved.Pending = next.UpdatedAt, next.Version, nil
		if next.Rating != old.Rating {
			if saved.Pending, err = newPending(map[int]int{old.Rating: -1, next.Rating: 1}); err != nil {
				return reviews.Review{}, err
			}
			set = append(set, bson.E{Key: "pending", Value: saved.Pending})
		}
		if len(events) > 0 {
			if err := addToOutbox(&saved, events); err != nil {
				return reviews.Review{}, err
			}
			set = append(set, outboxFields(saved)...)
		}
		var matched bool
		err = s.serialize(reviewsColl, id, func() (err error) {
			matched, err = s.updateIf(ctx, s.reviews, id, unchangedSince(d), unchanged(d),
				bson.D{{Key: "$set", Value: set}})
			return err
		})
		if err != nil {
			return reviews.Review{}, fmt.Errorf("update review: %w", err)
		}
		if !matched {
			continue // changed or deleted since read: read again
		}
		if saved.Pending != nil {
			s.owed(ctx, saved)
		}
		return fromReviewDoc(saved), nil
	}
	return reviews.Review{}, fmt.Errorf("update review %s: %w", id, reviews.ErrConflict)
}

// unchangedSince is the condition that a review is still at the version
// of d, not deleted, and its outbox still holds what d's does (the relay
// may have removed events since d was read, which must not come back);
// unchanged checks the same in Go (see updateIf).
func unchangedSince(d reviewDoc) bson.D {
	return append(bson.D{{Key: "version", Value: d.Version}, {Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}},
		outboxIs(d.OutboxIDs))
}

func unchanged(d reviewDoc) func(bson.Raw) (bool, error) {
	return matching(func(r reviewDoc) bool {
		return r.Version == d.Version && !r.Deleted && slices.Equal(r.OutboxIDs, d.OutboxIDs)
	})
}

// DeleteReview implements reviews.Store. It turns the review as read
// (guarded by its version, so the rating it uncounts is the one deleted)
// into a tombstone that owes its summary the -1 and holds the events in its
// outbox, then applies the -1. The tombstone, which readers never see and
// which no longer holds its author's place, is deleted with the review's
// votes once its events are published too (see dropTombstone).
func (s *Store) DeleteReview(ctx context.Context, id string, check func(reviews.Review) ([]event.Envelope, error)) error {
	for attempt := range optimistic.Attempts {
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
		d, err := s.reviewDoc(ctx, id)
		if err != nil {
			return err
		}
		events, err := check(fromReviewDoc(d))
		if err != nil {
			return err
		}
		if err := s.finishPending(ctx, d); err != nil {
			return err
		}
		tomb := d
		tomb.Deleted, tomb.Version = true, d.Version+1
		tomb.AuthorID, tomb.DeletedAuthorID = tombstoneAuthor(d.ID), d.AuthorID
		if tomb.Pending, err = newPending(map[int]int{d.Rating: -1}); err != nil {
			return err
		}
		if err := addToOutbox(&tomb, events); err != nil {
			return err
		}
		set := append(bson.D{
			{Key: "deleted", Value: true}, {Key: "version", Value: tomb.Version}, {Key: "pending", Value: tomb.Pending},
			{Key: "authorId", Value: tomb.AuthorID}, {Key: "deletedAuthorId", Value: tomb.DeletedAuthorID},
		}, outboxFields(tomb)...)
		var matched bool
		err = s.serialize(reviewsColl, id, func() (err error) {
			matched, err = s.updateIf(ctx, s.reviews, id, unchangedSince(d), unchanged(d), bson.D{{Key: "$set", Value: set}})
			return err
		})
		if err != nil {
			return fmt.Errorf("delete review: %w", err)
		}
		if !matched {
			continue // changed or deleted since read: read again
		}
		s.owed(ctx, tomb)
		return nil
	}
	return fmt.Errorf("delete review %s: %w", id, reviews.ErrConflict)
}

// AddHelpfulVote implements reviews.Store. It inserts the vote, whose _id
// refuses a second one, with the id of the count it owes, and then counts
// it in the review, once (see countVote). The count ignores a caller that
// hangs up, within its deadline (see followUp); if it fails, the vote is
// stored all the same and the sweep counts it.
func (s *Store) AddHelpfulVote(ctx context.Context, reviewID, voterID string) (reviews.Review, error) {
	// Check first, so that no vote is left for a review that never existed.
	r, err := s.Review(ctx, reviewID)
	if err != nil {
		return reviews.Review{}, err
	}
	countID, err := uuid.NewV7()
	if err != nil {
		return reviews.Review{}, fmt.Errorf("new vote count id: %w", err)
	}
	v := voteDoc{ID: voteID(reviewID, voterID), ReviewID: reviewID, VoterID: voterID, CreatedAt: nowMillis(), Pending: countID.String()}
	if _, err := s.votes.InsertOne(ctx, v); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return reviews.Review{}, reviews.ErrDuplicateVote
		}
		return reviews.Review{}, fmt.Errorf("insert vote: %w", err)
	}
	ctx, cancel := followUp(ctx)
	defer cancel()
	d, err := s.countVote(ctx, v)
	switch {
	case errors.Is(err, reviews.ErrNotFound): // deleted meanwhile
		return reviews.Review{}, err
	case err != nil:
		s.logger.WarnContext(ctx, "helpful vote count left to the sweep", "vote", v.ID, "err", err)
		r.HelpfulCount++ // what it will be once counted
		return r, nil
	}
	return fromReviewDoc(d), nil
}

// Summary implements reviews.Store.
func (s *Store) Summary(ctx context.Context, productID string) (reviews.Summary, error) {
	var d summaryDoc
	err := s.summaries.FindOne(ctx, bson.D{{Key: "_id", Value: productID}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return reviews.Summary{ProductID: productID}, nil
	case err != nil:
		return reviews.Summary{}, fmt.Errorf("find summary: %w", err)
	}
	return fromSummaryDoc(d), nil
}

// serialize runs write, holding the lock of the document (coll, id) when
// the store serializes updates.
func (s *Store) serialize(coll, id string, write func() error) error {
	if s.locks == nil {
		return write()
	}
	mu := s.locks.of(coll, id)
	mu.Lock()
	defer mu.Unlock()
	return write()
}

// docLocks is a fixed set of mutexes; a document uses the one its key
// hashes to. Two documents may share a mutex, which only costs a little
// waiting, because nothing holds two at once.
type docLocks struct {
	seed maphash.Seed
	mu   [64]sync.Mutex
}

func (l *docLocks) of(coll, id string) *sync.Mutex {
	return &l.mu[maphash.String(l.seed, coll+"/"+id)%uint64(len(l.mu))]
}
