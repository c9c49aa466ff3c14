package reviews

import (
	"context"
	"errors"
	"fmt"
	"time"

	"example.com/quartet/packages/event"
)

// Source is the name of this context on its events.
const Source = "reviews"

// The event types reviews produces (services/reviews/events/<Type>.schema.json).
const (
	TypeReviewSubmitted = "ReviewSubmitted"
	TypeReviewRevised   = "ReviewRevised"
	TypeReviewWithdrawn = "ReviewWithdrawn"
)

// The event types reviews consumes (services/reviews/events/consumes.json).
const (
	TypeProductCreated  = "ProductCreated"
	TypeProductChanged  = "ProductChanged"
	TypeProductArchived = "ProductArchived"
	TypeOrderConfirmed  = "OrderConfirmed"
	TypeOrderCancelled  = "OrderCancelled"
)

// schemaVersion is the version of the data of every event reviews produces.
const schemaVersion = 1

// reviewData is the data of ReviewSubmitted and ReviewWithdrawn; with
// PreviousRating, of ReviewRevised. It is the events' contract, not a
// domain type.
type reviewData struct {
	ReviewID       string `json:"reviewId"`
	ProductID      string `json:"productId"`
	CustomerID     string `json:"customerId"`
	PreviousRating int    `json:"previousRating,omitempty"`
	Rating         int    `json:"rating"`
}

func newReviewEvent(ctx context.Context, typ string, r Review, previousRating int, now time.Time) (event.Envelope, error) {
	return event.New(ctx, Source, typ, r.ID, schemaVersion, reviewData{
		ReviewID: r.ID, ProductID: r.ProductID, CustomerID: r.Author.Subject,
		PreviousRating: previousRating, Rating: r.Rating,
	}, now)
}

// Submitted returns the ReviewSubmitted event of r, a new review.
func Submitted(ctx context.Context, r Review, now time.Time) (event.Envelope, error) {
	return newReviewEvent(ctx, TypeReviewSubmitted, r, 0, now)
}

// Revised returns the ReviewRevised event of r, edited from previousRating.
func Revised(ctx context.Context, r Review, previousRating int, now time.Time) (event.Envelope, error) {
	return newReviewEvent(ctx, TypeReviewRevised, r, previousRating, now)
}

// Withdrawn returns the ReviewWithdrawn event of r, deleted.
func Withdrawn(ctx context.Context, r Review, now time.Time) (event.Envelope, error) {
	return newReviewEvent(ctx, TypeReviewWithdrawn, r, 0, now)
}

// ErrBadEvent matches the error of an event whose data the consumer cannot
// use: trying again cannot help, so it ends in the dead letters, where
// someone sees it.
var ErrBadEvent = errors.New("reviews cannot use this event")

// productData is what reviews reads of catalog's Product* events.
type productData struct {
	ProductID string `json:"productId"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Version   int    `json:"version"`
}

// orderData is what reviews reads of orders' OrderConfirmed and
// OrderCancelled events.
type orderData struct {
	OrderID    string `json:"orderId"`
	CustomerID string `json:"customerId"`
	Lines      []struct {
		ProductID string `json:"productId"`
	} `json:"lines"`
}

// HandleEvent is reviews' consumer (its Subscription's handler): product
// events keep the product projection, order events the purchases and the
// verified-purchase marks. It is idempotent: the store records each
// event's effect with its id or version, so a duplicate changes nothing.
// It returns nil for an event it has nothing to do with, an error wrapping
// ErrBadEvent for data it cannot use, and the store's error otherwise (the
// bus tries again).
func (s *Service) HandleEvent(ctx context.Context, e event.Envelope) error {
	switch e.Type {
	case TypeProductCreated, TypeProductChanged, TypeProductArchived:
		var d productData
		if err := e.Decode(&d); err != nil {
			return fmt.Errorf("%w: %w", ErrBadEvent, err)
		}
		if !ValidID(d.ProductID) || d.Version < 1 || d.Name == "" || d.Status == "" {
			return fmt.Errorf("%w: %s %s: want a product id, a name, a status and a version from 1", ErrBadEvent, e.Type, e.ID)
		}
		_, err := s.store.SaveProduct(ctx, Product{ID: d.ProductID, Name: d.Name, Status: d.Status, Version: d.Version}, e.ID)
		return err
	case TypeOrderConfirmed, TypeOrderCancelled:
		var d orderData
		if err := e.Decode(&d); err != nil {
			return fmt.Errorf("%w: %w", ErrBadEvent, err)
		}
		o := OrderEvent{EventID: e.ID, OrderID: d.OrderID, CustomerID: d.CustomerID, Cancelled: e.Type == TypeOrderCancelled}
		for _, l := range d.Lines {
			o.ProductIDs = append(o.ProductIDs, l.ProductID)
		}
		if err := o.validate(); err != nil {
			return fmt.Errorf("%w: %s %s: %w", ErrBadEvent, e.Type, e.ID, err)
		}
		return s.store.RecordOrder(ctx, o)
	}
	return nil
}
