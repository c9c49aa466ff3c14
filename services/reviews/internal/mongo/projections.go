package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/services/reviews/internal/reviews"
)

// Product implements reviews.Store.
func (s *Store) Product(ctx context.Context, id string) (reviews.Product, error) {
	var d productDoc
	err := s.products.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return reviews.Product{}, reviews.ErrProductNotFound
	case err != nil:
		return reviews.Product{}, fmt.Errorf("find product: %w", err)
	}
	return reviews.Product{ID: d.ID, Name: d.Name, Status: d.Status, Version: d.Version}, nil
}

// SaveProduct implements reviews.Store: an update of the product's
// document conditioned on its version being lower, or, when there is no
// document, an insert; an insert that finds one inserted meanwhile tries
// the update once more. Product events are snapshots, so the version alone
// makes a duplicate or a late event change nothing; the document also
// keeps the id of the event it is from.
func (s *Store) SaveProduct(ctx context.Context, p reviews.Product, eventID string) (bool, error) {
	doc := productDoc{ID: p.ID, Name: p.Name, Status: p.Status, Version: p.Version, EventID: eventID}
	replace := func() (bool, error) {
		return s.updateIf(ctx, s.products, p.ID,
			bson.D{{Key: "version", Value: bson.D{{Key: "$lt", Value: p.Version}}}},
			matching(func(d productDoc) bool { return d.Version < p.Version }),
			bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: doc.Name}, {Key: "status", Value: doc.Status},
				{Key: "version", Value: doc.Version}, {Key: "eventId", Value: doc.EventID}}}})
	}
	var saved bool
	err := s.serialize(productsColl, p.ID, func() (err error) {
		if saved, err = replace(); err != nil || saved {
			return err
		}
		// No match: the projection holds this version or a later one, or
		// nothing yet.
		_, err = s.products.InsertOne(ctx, doc)
		switch {
		case err == nil:
			saved = true
			return nil
		case !mongo.IsDuplicateKeyError(err):
			return err
		}
		saved, err = replace()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("save product %s version %d: %w", p.ID, p.Version, err)
	}
	return saved, nil
}

// RecordOrder implements reviews.Store. For each product of the order, it
// records the order in the customer's purchases of it with one update
// conditioned on the purchases not listing the event's id yet, which adds
// the order id to its set, lists the event id and bumps the version
// together; then it sets the customer's review of the product to what the
// purchases say (verify). The purchases are written first and the review
// read second, while a new review is written first and the purchases read
// second, so whichever of the two comes last sees the other.
func (s *Store) RecordOrder(ctx context.Context, o reviews.OrderEvent) error {
	set := "confirmed"
	if o.Cancelled {
		set = "cancelled"
	}
	for _, productID := range o.ProductIDs {
		id := purchaseID(o.CustomerID, productID)
		record := func() (bool, error) {
			return s.updateIf(ctx, s.purchases, id,
				bson.D{{Key: "events", Value: bson.D{{Key: "$ne", Value: o.EventID}}}},
				matching(func(d purchaseDoc) bool { return !slices.Contains(d.Events, o.EventID) }),
				bson.D{{Key: "$addToSet", Value: bson.D{{Key: set, Value: o.OrderID}}},
					{Key: "$push", Value: bson.D{{Key: "events", Value: o.EventID}}},
					{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
		}
		err := s.serialize(purchasesColl, id, func() error {
			recorded, err := record()
			if err != nil || recorded {
				return err
			}
			// No match: recorded already, or no purchases yet. Make sure
			// they exist, then try once more.
			_, err = s.purchases.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "customerId", Value: o.CustomerID},
					{Key: "productId", Value: productID}, {Key: "version", Value: 0}}}},
				options.UpdateOne().SetUpsert(true))
			if err != nil && !mongo.IsDuplicateKeyError(err) {
				return err
			}
			_, err = record()
			return err
		})
		if err != nil {
			return fmt.Errorf("record order %s in the purchases %s: %w", o.OrderID, id, err)
		}
		var ids []string
		err = scanFilter(ctx, s.reviews, bson.D{{Key: "productId", Value: productID}, {Key: "authorId", Value: o.CustomerID}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), func(d reviewDoc) { ids = append(ids, d.ID) })
		if err != nil {
			return fmt.Errorf("find the reviews of purchases %s: %w", id, err)
		}
		for _, reviewID := range ids {
			if _, err := s.verify(ctx, reviewID, o.CustomerID, productID, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// verify reads the purchases of productID by customerID and sets the
// VerifiedPurchase of review reviewID to what they say, with their version,
// unless the review was set from the same or a later version already;
// with clearVerify it also clears the review's Verify (the insert's "look
// the purchases up"). It returns what the purchases say. On FerretDB the
// review's lock is held from the read of the purchases to the write.
func (s *Store) verify(ctx context.Context, reviewID, customerID, productID string, clearVerify bool) (bool, error) {
	var verified bool
	err := s.serialize(reviewsColl, reviewID, func() error {
		var p purchaseDoc
		err := s.purchases.FindOne(ctx, bson.D{{Key: "_id", Value: purchaseID(customerID, productID)}}).Decode(&p)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("find purchases: %w", err)
		}
		verified = p.verified()
		if p.Version > 0 {
			marked, err := s.updateIf(ctx, s.reviews, reviewID,
				bson.D{{Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}},
					{Key: "purchaseVersion", Value: bson.D{{Key: "$not", Value: bson.D{{Key: "$gte", Value: p.Version}}}}}},
				matching(func(r reviewDoc) bool { return !r.Deleted && r.PurchaseVersion < p.Version }),
				bson.D{{Key: "$set", Value: bson.D{{Key: "verifiedPurchase", Value: verified}, {Key: "purchaseVersion", Value: p.Version}}},
					{Key: "$unset", Value: bson.D{{Key: "verify", Value: ""}}}})
			if err != nil || marked {
				return err
			}
		}
		if !clearVerify {
			return nil
		}
		_, err = s.updateIf(ctx, s.reviews, reviewID, bson.D{{Key: "verify", Value: true}},
			matching(func(r reviewDoc) bool { return r.Verify }),
			bson.D{{Key: "$unset", Value: bson.D{{Key: "verify", Value: ""}}}})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mark review %s from its author's purchases: %w", reviewID, err)
	}
	return verified, nil
}
