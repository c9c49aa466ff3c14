package mongo

import (
	"time"

	"example.com/quartet/services/reviews/internal/reviews"
)

// Collection names.
const (
	reviewsColl   = "reviews"
	votesColl     = "votes"
	summariesColl = "summaries"
)

// reviewDoc is a review as stored in the reviews collection.
type reviewDoc struct {
	ID               string    `bson:"_id"` // UUIDv7, so _id order is creation order
	ProductID        string    `bson:"productId"`
	AuthorID         string    `bson:"authorId"`
	AuthorName       string    `bson:"authorName"`
	Rating           int       `bson:"rating"`
	Title            string    `bson:"title"`
	Body             string    `bson:"body"`
	VerifiedPurchase bool      `bson:"verifiedPurchase"`
	HelpfulCount     int       `bson:"helpfulCount"`
	CreatedAt        time.Time `bson:"createdAt"`
	UpdatedAt        time.Time `bson:"updatedAt"`
	Version          int       `bson:"version"`
}

func toReviewDoc(r reviews.Review) reviewDoc {
	return reviewDoc{
		ID: r.ID, ProductID: r.ProductID, AuthorID: r.Author.Subject, AuthorName: r.Author.Name,
		Rating: r.Rating, Title: r.Title, Body: r.Body, VerifiedPurchase: r.VerifiedPurchase,
		HelpfulCount: r.HelpfulCount, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}
}

func fromReviewDoc(d reviewDoc) reviews.Review {
	return reviews.Review{
		ID: d.ID, ProductID: d.ProductID, Author: reviews.Author{Subject: d.AuthorID, Name: d.AuthorName},
		Rating: d.Rating, Title: d.Title, Body: d.Body, VerifiedPurchase: d.VerifiedPurchase,
		HelpfulCount: d.HelpfulCount, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version,
	}
}

// voteDoc is one customer's helpful vote for one review. Its _id is
// "<reviewId>/<voterId>", so a second vote collides on _id even before the
// unique index exists.
type voteDoc struct {
	ID        string    `bson:"_id"`
	ReviewID  string    `bson:"reviewId"`
	VoterID   string    `bson:"voterId"`
	CreatedAt time.Time `bson:"createdAt"`
}

func voteID(reviewID, voterID string) string { return reviewID + "/" + voterID }

// summaryDoc is a product's rating summary: R<n> reviews rate it n stars.
// Count and average derive from these five counters, so they cannot drift
// apart; each changes only through $inc.
type summaryDoc struct {
	ProductID string `bson:"_id"`
	R1        int    `bson:"r1"`
	R2        int    `bson:"r2"`
	R3        int    `bson:"r3"`
	R4        int    `bson:"r4"`
	R5        int    `bson:"r5"`
}

func fromSummaryDoc(d summaryDoc) reviews.Summary {
	return reviews.Summary{ProductID: d.ProductID, Histogram: [reviews.MaxRating]int{d.R1, d.R2, d.R3, d.R4, d.R5}}
}

// ratingField names the counter of rating in a summaryDoc: "r1".."r5".
func ratingField(rating int) string { return "r" + string(rune('0'+rating)) }

// nowMillis returns the current time at BSON's precision, milliseconds.
func nowMillis() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
