package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes returns every index the store relies on, by collection. Listings
// end their sort with _id, so each listing index does too. It builds new
// models at every call because the driver writes generated names into the
// options it is given, so shared models would race between concurrent
// Migrate calls.
func indexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		reviewsColl: {
			{ // one review per customer per product
				Keys:    bson.D{{Key: "productId", Value: 1}, {Key: "authorId", Value: 1}},
				Options: options.Index().SetName("product_author_unique").SetUnique(true),
			},
			{ // sort=newest
				Keys:    bson.D{{Key: "productId", Value: 1}, {Key: "_id", Value: -1}},
				Options: options.Index().SetName("product_newest"),
			},
			{ // sort=helpful
				Keys:    bson.D{{Key: "productId", Value: 1}, {Key: "helpfulCount", Value: -1}, {Key: "_id", Value: -1}},
				Options: options.Index().SetName("product_helpful"),
			},
			{ // sort=rating
				Keys:    bson.D{{Key: "productId", Value: 1}, {Key: "rating", Value: -1}, {Key: "_id", Value: -1}},
				Options: options.Index().SetName("product_rating"),
			},
			{ // the sweep: reviews that owe their summary a change (few, so sparse)
				Keys:    bson.D{{Key: "pending.id", Value: 1}},
				Options: options.Index().SetName("pending").SetSparse(true),
			},
			{ // the sweep: reviews holding counted vote ids old enough to forget
				Keys:    bson.D{{Key: "countedAt", Value: 1}},
				Options: options.Index().SetName("counted_at").SetSparse(true),
			},
			{ // the outbox sweep: reviews with unpublished events, oldest first
				Keys:    bson.D{{Key: "outboxSince", Value: 1}},
				Options: options.Index().SetName("outbox_since").SetSparse(true),
			},
			{ // the relay: the reviews holding published events
				Keys:    bson.D{{Key: "outboxIds", Value: 1}},
				Options: options.Index().SetName("outbox_ids").SetSparse(true),
			},
			{ // the sweep: new reviews whose purchases are not looked up yet
				Keys:    bson.D{{Key: "verify", Value: 1}},
				Options: options.Index().SetName("verify").SetSparse(true),
			},
		},
		votesColl: {
			{ // one vote per customer per review; also finds a review's votes
				Keys:    bson.D{{Key: "reviewId", Value: 1}, {Key: "voterId", Value: 1}},
				Options: options.Index().SetName("review_voter_unique").SetUnique(true),
			},
			{ // the sweep: votes not counted yet
				Keys:    bson.D{{Key: "pending", Value: 1}},
				Options: options.Index().SetName("pending").SetSparse(true),
			},
		},
		summariesColl: { // otherwise read and written by _id only
			{ // the sweep: summaries holding applied marker ids old enough to forget
				Keys:    bson.D{{Key: "appliedAt", Value: 1}},
				Options: options.Index().SetName("applied_at").SetSparse(true),
			},
		},
	}
}

// Migrate creates the collections' indexes. Creating an index that exists
// with the same definition does nothing, so Migrate can run at every
// deploy. It is an explicit step (cmd/migrate, App.Migrate), never part of
// a Lambda cold start.
//
// It creates one index per command: FerretDB v1.24 panics (and drops the
// connection) when one createIndexes command repeats more than one existing
// index, because it deletes them from its list by their original positions.
func Migrate(ctx context.Context, db *mongo.Database) error {
	all := indexes()
	for _, coll := range []string{reviewsColl, votesColl, summariesColl, productsColl, purchasesColl} {
		for _, index := range all[coll] {
			if _, err := db.Collection(coll).Indexes().CreateOne(ctx, index); err != nil {
				return fmt.Errorf("create index on %s: %w", coll, err)
			}
		}
	}
	return nil
}
