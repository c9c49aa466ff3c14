package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/services/reviews/internal/mongo"
	"example.com/quartet/services/reviews/internal/reviews"
)

// benchProducts is how many products the created reviews spread over.
const benchProducts = 100

func benchProduct(i int) string {
	return fmt.Sprintf("0190a000-0000-7000-8000-1%011d", i%benchProducts)
}

// BenchmarkCreateReview measures what the owed-change scheme costs a
// create on embedded FerretDB: the store's insert (with its pending
// change), conditional summary update and settle, against the two writes
// of the scheme without crash repair (insert, then a bare $inc). Reviews
// spread over 100 products, so each summary lists few applied changes, as
// between sweeps on a real catalog.
func BenchmarkCreateReview(b *testing.B) {
	client := ferretClient(b)
	b.Run("store", func(b *testing.B) {
		db := newDatabase(b, client)
		s := mongo.NewStore(db, mongo.Options{SerializeUpdates: true})
		now := time.Now().UTC().Truncate(time.Millisecond)
		b.ResetTimer()
		for i := range b.N {
			r := reviews.Review{ID: fmt.Sprintf("0190a000-0000-7000-8000-%012d", i), ProductID: benchProduct(i),
				Author: reviews.Author{Subject: fmt.Sprintf("c%d", i), Name: "C"}, Rating: 1 + i%5, Title: "t",
				CreatedAt: now, UpdatedAt: now, Version: 1}
			if _, err := s.CreateReview(context.Background(), r, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert+inc", func(b *testing.B) {
		db := newDatabase(b, client)
		now := time.Now().UTC().Truncate(time.Millisecond)
		b.ResetTimer()
		for i := range b.N {
			ctx := context.Background()
			if _, err := db.Collection("reviews").InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("0190a000-0000-7000-8000-%012d", i)},
				{Key: "productId", Value: benchProduct(i)}, {Key: "authorId", Value: fmt.Sprintf("c%d", i)}, {Key: "authorName", Value: "C"},
				{Key: "rating", Value: 1 + i%5}, {Key: "title", Value: "t"}, {Key: "createdAt", Value: now}, {Key: "updatedAt", Value: now},
				{Key: "version", Value: 1}}); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Collection("summaries").UpdateOne(ctx, bson.D{{Key: "_id", Value: benchProduct(i)}},
				bson.D{{Key: "$inc", Value: bson.D{{Key: fmt.Sprintf("r%d", 1+i%5), Value: 1}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
