package mongo

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/services/reviews/internal/reviews"
)

// SummaryDrift is a product whose stored summary differs from the ratings
// of its reviews.
type SummaryDrift struct {
	ProductID string
	Stored    reviews.Summary
	Actual    reviews.Summary
}

// HelpfulDrift is a review whose helpful count differs from its votes.
type HelpfulDrift struct {
	ReviewID string
	Stored   int
	Actual   int
}

// Drift is what Recompute found.
type Drift struct {
	Summaries []SummaryDrift
	Helpful   []HelpfulDrift
}

// None reports whether nothing drifted.
func (d Drift) None() bool { return len(d.Summaries) == 0 && len(d.Helpful) == 0 }

// Recompute recounts every product's summary from its reviews and every
// review's helpful count from its votes, and returns where the stored
// values differ. With fix, it overwrites those values with the recounted
// ones.
//
// A review that still owes its summary a change (see Sweep) shows as drift
// until the change is applied; with fix, Recompute finishes those changes
// first.
//
// It reads documents one by one and counts in this process, rather than
// with $group: FerretDB v1 lacks $avg and returns 0 for a second $sum in
// one $group. The recount is a snapshot of a moving target: a review
// created while it runs can show as transient drift (run it again to
// confirm), and a fix racing such a write can itself be off by that
// write, which the next run reports. Run it with fix while writes are
// quiet, as a maintenance step.
func (s *Store) Recompute(ctx context.Context, fix bool) (Drift, error) {
	if fix {
		// A change still owed would land on top of the fixed counters
		// and count twice: finish every one first.
		if _, err := s.Sweep(ctx, 0); err != nil {
			return Drift{}, err
		}
	}
	actualSummaries := make(map[string]*reviews.Summary)
	storedHelpful := make(map[string]int)
	type reviewFields struct {
		ID           string `bson:"_id"`
		ProductID    string `bson:"productId"`
		Rating       int    `bson:"rating"`
		HelpfulCount int    `bson:"helpfulCount"`
		Deleted      bool   `bson:"deleted"`
	}
	err := scan(ctx, s.reviews, options.Find().SetProjection(
		bson.D{{Key: "productId", Value: 1}, {Key: "rating", Value: 1}, {Key: "helpfulCount", Value: 1}, {Key: "deleted", Value: 1}}),
		func(r reviewFields) {
			if r.Deleted {
				return // a tombstone, no longer a review
			}
			sum := actualSummaries[r.ProductID]
			if sum == nil {
				sum = &reviews.Summary{ProductID: r.ProductID}
				actualSummaries[r.ProductID] = sum
			}
			if reviews.ValidRating(r.Rating) {
				sum.Add(r.Rating, 1)
			}
			storedHelpful[r.ID] = r.HelpfulCount
		})
	if err != nil {
		return Drift{}, err
	}

	var drift Drift
	seen := make(map[string]bool)
	err = scan(ctx, s.summaries, nil, func(d summaryDoc) {
		seen[d.ProductID] = true
		actual := reviews.Summary{ProductID: d.ProductID}
		if a := actualSummaries[d.ProductID]; a != nil {
			actual = *a
		}
		if stored := fromSummaryDoc(d); stored != actual {
			drift.Summaries = append(drift.Summaries, SummaryDrift{ProductID: d.ProductID, Stored: stored, Actual: actual})
		}
	})
	if err != nil {
		return Drift{}, err
	}
	for _, id := range slices.Sorted(maps.Keys(actualSummaries)) {
		if !seen[id] {
			drift.Summaries = append(drift.Summaries, SummaryDrift{
				ProductID: id, Stored: reviews.Summary{ProductID: id}, Actual: *actualSummaries[id]})
		}
	}

	actualHelpful := make(map[string]int)
	err = scan(ctx, s.votes, options.Find().SetProjection(bson.D{{Key: "reviewId", Value: 1}}),
		func(v voteDoc) { actualHelpful[v.ReviewID]++ })
	if err != nil {
		return Drift{}, err
	}
	for _, id := range slices.Sorted(maps.Keys(storedHelpful)) {
		if stored, actual := storedHelpful[id], actualHelpful[id]; stored != actual {
			drift.Helpful = append(drift.Helpful, HelpfulDrift{ReviewID: id, Stored: stored, Actual: actual})
		}
	}

	if fix {
		if err := s.fix(ctx, drift); err != nil {
			return drift, err
		}
	}
	return drift, nil
}

func (s *Store) fix(ctx context.Context, drift Drift) error {
	for _, d := range drift.Summaries {
		h := d.Actual.Histogram
		set := bson.D{}
		for i, n := range h {
			set = append(set, bson.E{Key: ratingField(i + 1), Value: n})
		}
		err := s.serialize(summariesColl, d.ProductID, func() error {
			_, err := s.summaries.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ProductID}},
				bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true))
			return err
		})
		if err != nil {
			return fmt.Errorf("fix summary of product %s: %w", d.ProductID, err)
		}
	}
	for _, d := range drift.Helpful {
		err := s.serialize(reviewsColl, d.ReviewID, func() error {
			_, err := s.reviews.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ReviewID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "helpfulCount", Value: d.Actual}}}})
			return err
		})
		if err != nil {
			return fmt.Errorf("fix helpful count of review %s: %w", d.ReviewID, err)
		}
	}
	return nil
}

// scan decodes every document of coll, shaped by opts, into a T and
// passes it to fn.
func scan[T any](ctx context.Context, coll *mongo.Collection, opts *options.FindOptionsBuilder, fn func(T)) error {
	return scanFilter(ctx, coll, bson.D{}, opts, fn)
}

// scanFilter decodes every document of coll that matches filter, shaped
// by opts, into a T and passes it to fn.
func scanFilter[T any](ctx context.Context, coll *mongo.Collection, filter bson.D, opts *options.FindOptionsBuilder, fn func(T)) error {
	if opts == nil {
		opts = options.Find()
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return fmt.Errorf("scan %s: %w", coll.Name(), err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var doc T
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("scan %s: %w", coll.Name(), err)
		}
		fn(doc)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("scan %s: %w", coll.Name(), err)
	}
	return nil
}
