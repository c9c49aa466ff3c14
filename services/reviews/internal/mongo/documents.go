package mongo

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"example.com/quartet/services/reviews/internal/reviews"
)

// Collection names.
const (
	reviewsColl   = "reviews"
	votesColl     = "votes"
	summariesColl = "summaries"
	productsColl  = "products"
	purchasesColl = "purchases"
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
	// Deleted marks a tombstone: the review is deleted, and the document
	// stays only until its Pending change (uncounting it) is applied and
	// its Outbox (its ReviewWithdrawn) published. A tombstone gives up its
	// author's place in the unique (productId, authorId) index: its
	// AuthorID becomes tombstoneAuthor(ID), the author moves to
	// DeletedAuthorID, so the author may review the product again at once.
	Deleted         bool   `bson:"deleted,omitempty"`
	DeletedAuthorID string `bson:"deletedAuthorId,omitempty"`
	// Pending is the change the review owes its product's summary, if any.
	Pending *pendingDoc `bson:"pending,omitempty"`
	// CountedVotes lists the count ids (voteDoc.Pending) of the votes
	// counted in HelpfulCount, each added by the same $inc that counted it,
	// so counting a vote twice counts it once. CountedAt holds, at the same
	// positions, when each was counted (a UUIDv7 made then); the sweep
	// forgets the ids counted more than appliedRetention ago.
	CountedVotes []string `bson:"countedVotes,omitempty"`
	CountedAt    []string `bson:"countedAt,omitempty"`
	// Outbox holds the events of the review's changes not published yet,
	// oldest first, each written by the same single-document write as its
	// change. OutboxIDs are their ids, at the same positions (the relay
	// removes events by id), and OutboxSince the first of them, the oldest
	// (UUIDv7s sort by time): the sweep reads the outbox oldest first on
	// its index. All three are absent when the outbox is empty.
	Outbox      []outboxEntry `bson:"outbox,omitempty"`
	OutboxIDs   []string      `bson:"outboxIds,omitempty"`
	OutboxSince string        `bson:"outboxSince,omitempty"`
	// PurchaseVersion is the version of the author's purchases of the
	// product that VerifiedPurchase was last set from; an older one never
	// overwrites it. Verify, set by the insert, says the purchases are
	// still to be looked up (the create, or the sweep after a crash,
	// clears it when it has).
	PurchaseVersion int  `bson:"purchaseVersion,omitempty"`
	Verify          bool `bson:"verify,omitempty"`
}

// outboxEntry is one event in a review's outbox: its id and its envelope
// as JSON, exactly as it will be published.
type outboxEntry struct {
	ID       string `bson:"id"`
	Envelope string `bson:"envelope"`
}

// tombstoneAuthor is the AuthorID of the tombstone of review id: unique,
// and no customer's.
func tombstoneAuthor(id string) string { return "deleted/" + id }

// productDoc is the product projection's copy of one of catalog's
// products. EventID is the id of the event that wrote this version.
type productDoc struct {
	ID      string `bson:"_id"`
	Name    string `bson:"name"`
	Status  string `bson:"status"`
	Version int    `bson:"version"`
	EventID string `bson:"eventId"`
}

// purchaseDoc is what reviews knows of one customer's orders of one
// product; _id is "<customerId>/<productId>". Confirmed and Cancelled are
// sets of order ids; Events lists the ids of the order events recorded,
// each added by the same update that recorded it, so a duplicate event
// changes nothing; Version counts the events recorded, so that a review is
// never marked from an older state than the one it was marked from.
type purchaseDoc struct {
	ID         string   `bson:"_id"`
	CustomerID string   `bson:"customerId"`
	ProductID  string   `bson:"productId"`
	Confirmed  []string `bson:"confirmed,omitempty"`
	Cancelled  []string `bson:"cancelled,omitempty"`
	Events     []string `bson:"events,omitempty"`
	Version    int      `bson:"version"`
}

func purchaseID(customerID, productID string) string { return customerID + "/" + productID }

func (d purchaseDoc) verified() bool {
	return reviews.Purchases{Confirmed: d.Confirmed, Cancelled: d.Cancelled}.Verified()
}

// pendingDoc is a change of a product's summary that a review owes, written
// in the same single-document write as the review change that causes it,
// so that no crash can separate them. ID is a UUIDv7, unique to the change
// and in time order; the summary lists the IDs it has applied (summaryDoc.
// Applied), so applying a change twice counts it once. R<n> is what the
// change adds to the summary's r<n>.
type pendingDoc struct {
	ID string `bson:"id"`
	R1 int    `bson:"r1,omitempty"`
	R2 int    `bson:"r2,omitempty"`
	R3 int    `bson:"r3,omitempty"`
	R4 int    `bson:"r4,omitempty"`
	R5 int    `bson:"r5,omitempty"`
}

// newPending returns a change with a fresh ID that adds delta[r] to the
// count of rating r, for the ratings in delta.
func newPending(delta map[int]int) (*pendingDoc, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new summary change id: %w", err)
	}
	p := &pendingDoc{ID: id.String()}
	for rating, n := range delta {
		*p.counter(rating) += n
	}
	return p, nil
}

func (p *pendingDoc) counter(rating int) *int {
	return [...]*int{&p.R1, &p.R2, &p.R3, &p.R4, &p.R5}[rating-1]
}

// inc is the change as the fields of a $inc.
func (p *pendingDoc) inc() bson.D {
	var inc bson.D
	for rating := 1; rating <= reviews.MaxRating; rating++ {
		if n := *p.counter(rating); n != 0 {
			inc = append(inc, bson.E{Key: ratingField(rating), Value: n})
		}
	}
	return inc
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
	// Pending, until the vote is counted in its review's helpful count, is
	// the id (a UUIDv7) of that count; see reviewDoc.CountedVotes.
	Pending string `bson:"pending,omitempty"`
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
	// Applied lists the IDs of the review changes (pendingDoc) counted in
	// the five counters, each added by the same $inc that counted it.
	// AppliedAt holds, at the same positions, when each was applied (a
	// UUIDv7 made then); the sweep forgets the IDs applied more than
	// appliedRetention ago.
	Applied   []string `bson:"applied,omitempty"`
	AppliedAt []string `bson:"appliedAt,omitempty"`
}

func fromSummaryDoc(d summaryDoc) reviews.Summary {
	return reviews.Summary{ProductID: d.ProductID, Histogram: [reviews.MaxRating]int{d.R1, d.R2, d.R3, d.R4, d.R5}}
}

// ratingField names the counter of rating in a summaryDoc: "r1".."r5".
func ratingField(rating int) string { return "r" + string(rune('0'+rating)) }

// nowMillis returns the current time at BSON's precision, milliseconds.
func nowMillis() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
