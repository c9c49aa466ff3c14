package mongo

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/services/reviews/internal/reviews"
)

// maxAttempts bounds the optimistic retries of UpdateReview and
// DeleteReview when the review changes between read and write.
const maxAttempts = 5

// followUpTimeout bounds the writes that follow an operation's first write.
const followUpTimeout = 5 * time.Second

// followUp returns the context for the writes that follow an operation's
// first write, the source of truth: not cancelled with ctx, because a
// caller that gives up (a client that hangs up, a deadline reached) between
// the writes would otherwise leave the summary or helpful count drifted
// without any crash; bounded by followUpTimeout instead.
func followUp(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
}

// Store is a reviews.Store on one MongoDB database.
//
// Every change is a single-document write, atomic on MongoDB. The writes of
// one operation happen in a fixed order, source of truth first (see the
// README, "Summary consistency"): a crash between them can only leave a
// summary or a helpful count behind its reviews or votes, which Recompute
// detects and repairs. The writes after the first ignore the caller's
// cancellation (see followUp), so a caller giving up does no such damage.
type Store struct {
	reviews   *mongo.Collection
	votes     *mongo.Collection
	summaries *mongo.Collection
	locks     *docLocks // nil on MongoDB; see Options.SerializeUpdates
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
}

// NewStore returns a Store on db. Run Migrate on db first: the unique
// indexes enforce one review per customer and product.
func NewStore(db *mongo.Database, opts Options) *Store {
	s := &Store{
		reviews:   db.Collection(reviewsColl),
		votes:     db.Collection(votesColl),
		summaries: db.Collection(summariesColl),
	}
	if opts.SerializeUpdates {
		s.locks = &docLocks{seed: maphash.MakeSeed()}
	}
	return s
}

// CreateReview implements reviews.Store. It inserts the review, whose
// unique (productId, authorId) index refuses a second review, and then
// counts it in the summary.
func (s *Store) CreateReview(ctx context.Context, r reviews.Review) error {
	if _, err := s.reviews.InsertOne(ctx, toReviewDoc(r)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return reviews.ErrDuplicateReview
		}
		return fmt.Errorf("insert review: %w", err)
	}
	ctx, cancel := followUp(ctx)
	defer cancel()
	return s.incSummary(ctx, r.ProductID, bson.D{{Key: ratingField(r.Rating), Value: 1}})
}

// Review implements reviews.Store.
func (s *Store) Review(ctx context.Context, id string) (reviews.Review, error) {
	var d reviewDoc
	if err := s.reviews.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return reviews.Review{}, reviews.ErrNotFound
		}
		return reviews.Review{}, fmt.Errorf("find review: %w", err)
	}
	return fromReviewDoc(d), nil
}

// Reviews implements reviews.Store with keyset pagination: the filter
// resumes after q.After in the order of the listing's index.
func (s *Store) Reviews(ctx context.Context, q reviews.Query) (reviews.Page, error) {
	filter := bson.D{{Key: "productId", Value: q.ProductID}}
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
// version it read, so a concurrent edit makes it retry; then a changed
// rating moves one count between two counters of the summary in one $inc.
func (s *Store) UpdateReview(ctx context.Context, id string, update func(*reviews.Review) error) (reviews.Review, error) {
	for range maxAttempts {
		old, err := s.Review(ctx, id)
		if err != nil {
			return reviews.Review{}, err
		}
		next := old
		if err := update(&next); err != nil {
			return reviews.Review{}, err
		}
		var res *mongo.UpdateResult
		err = s.serialize(reviewsColl, id, func() (err error) {
			res, err = s.reviews.UpdateOne(ctx,
				bson.D{{Key: "_id", Value: id}, {Key: "version", Value: old.Version}},
				bson.D{{Key: "$set", Value: bson.D{
					{Key: "rating", Value: next.Rating},
					{Key: "title", Value: next.Title},
					{Key: "body", Value: next.Body},
					{Key: "updatedAt", Value: next.UpdatedAt},
					{Key: "version", Value: next.Version},
				}}})
			return err
		})
		if err != nil {
			return reviews.Review{}, fmt.Errorf("update review: %w", err)
		}
		if res.MatchedCount == 0 {
			continue // changed or deleted since read: read again
		}
		saved := old
		saved.Rating, saved.Title, saved.Body = next.Rating, next.Title, next.Body
		saved.UpdatedAt, saved.Version = next.UpdatedAt, next.Version
		if saved.Rating != old.Rating {
			ctx, cancel := followUp(ctx)
			defer cancel()
			err := s.incSummary(ctx, old.ProductID, bson.D{
				{Key: ratingField(old.Rating), Value: -1},
				{Key: ratingField(saved.Rating), Value: 1},
			})
			if err != nil {
				return reviews.Review{}, err
			}
		}
		return saved, nil
	}
	return reviews.Review{}, reviews.ErrVersionMismatch
}

// DeleteReview implements reviews.Store. It deletes the review as read
// (guarded by its version, so the rating it uncounts is the one deleted),
// then uncounts it, then deletes its votes.
func (s *Store) DeleteReview(ctx context.Context, id string, check func(reviews.Review) error) error {
	for range maxAttempts {
		r, err := s.Review(ctx, id)
		if err != nil {
			return err
		}
		if err := check(r); err != nil {
			return err
		}
		var res *mongo.DeleteResult
		err = s.serialize(reviewsColl, id, func() (err error) {
			res, err = s.reviews.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: r.Version}})
			return err
		})
		if err != nil {
			return fmt.Errorf("delete review: %w", err)
		}
		if res.DeletedCount == 0 {
			continue // changed or deleted since read: read again
		}
		ctx, cancel := followUp(ctx)
		defer cancel()
		if err := s.incSummary(ctx, r.ProductID, bson.D{{Key: ratingField(r.Rating), Value: -1}}); err != nil {
			return err
		}
		// Leftover votes of a deleted review are harmless: no review will
		// have its ID again. Deleting them only saves space.
		if _, err := s.votes.DeleteMany(ctx, bson.D{{Key: "reviewId", Value: id}}); err != nil {
			return fmt.Errorf("delete votes: %w", err)
		}
		return nil
	}
	return reviews.ErrVersionMismatch
}

// AddHelpfulVote implements reviews.Store. It inserts the vote, whose _id
// refuses a second one, and then raises the review's count.
func (s *Store) AddHelpfulVote(ctx context.Context, reviewID, voterID string) (reviews.Review, error) {
	// Check first, so that no vote is left for a review that never existed.
	if _, err := s.Review(ctx, reviewID); err != nil {
		return reviews.Review{}, err
	}
	v := voteDoc{ID: voteID(reviewID, voterID), ReviewID: reviewID, VoterID: voterID, CreatedAt: nowMillis()}
	if _, err := s.votes.InsertOne(ctx, v); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return reviews.Review{}, reviews.ErrDuplicateVote
		}
		return reviews.Review{}, fmt.Errorf("insert vote: %w", err)
	}
	ctx, cancel := followUp(ctx)
	defer cancel()
	var d reviewDoc
	err := s.serialize(reviewsColl, reviewID, func() error {
		return s.reviews.FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: reviewID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "helpfulCount", Value: 1}}}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	})
	switch {
	case errors.Is(err, mongo.ErrNoDocuments): // deleted meanwhile
		_, _ = s.votes.DeleteOne(ctx, bson.D{{Key: "_id", Value: v.ID}})
		return reviews.Review{}, reviews.ErrNotFound
	case err != nil:
		return reviews.Review{}, fmt.Errorf("count vote: %w", err)
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

// incSummary applies one $inc to a product's summary, creating it when it
// does not exist yet.
func (s *Store) incSummary(ctx context.Context, productID string, inc bson.D) error {
	err := s.serialize(summariesColl, productID, func() error {
		_, err := s.summaries.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: productID}},
			bson.D{{Key: "$inc", Value: inc}},
			options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("update summary of product %s: %w", productID, err)
	}
	return nil
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
