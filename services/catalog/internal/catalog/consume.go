package catalog

import (
	"context"
	"fmt"
	"log/slog"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/validation"
)

// Consumes are the event types HandleEvent handles.
var Consumes = []string{TypeOrderPlaced, TypeOrderCancelled, TypeReviewSubmitted, TypeReviewRevised, TypeReviewWithdrawn}

// The parts of the data of the events the catalog consumes that it reads,
// as their producers' schemas describe them (services/orders/events,
// services/reviews/events). Members it does not read are ignored.
type (
	orderLineData struct {
		ProductID string `json:"productId"`
		Quantity  int    `json:"quantity"`
	}
	orderData struct {
		OrderID    string          `json:"orderId"`
		CustomerID string          `json:"customerId"`
		Lines      []orderLineData `json:"lines"`
	}
	reviewData struct {
		ReviewID       string `json:"reviewId"`
		ProductID      string `json:"productId"`
		Rating         int    `json:"rating"`
		PreviousRating int    `json:"previousRating"` // ReviewRevised only
	}
)

// HandleEvent is the catalog's consumer: it takes its step for one event of
// the types in Consumes, idempotently (a duplicate changes nothing) and in
// any order:
//
//   - OrderPlaced reserves the order's stock, every line or none, and
//     announces StockReserved or StockRejected;
//   - OrderCancelled puts back the stock reserved for the order;
//   - ReviewSubmitted, ReviewRevised and ReviewWithdrawn change the
//     product's rating sums by their delta.
//
// It returns nil once the effect is stored or when there is none (a type it
// does not consume, a duplicate). An error means the bus should deliver the
// event again: the store failed, or the event is invalid (which no retry
// mends: it ends among the dead letters, where someone sees it, to be
// replayed after the fix).
func (s *Service) HandleEvent(ctx context.Context, e event.Envelope) error {
	var err error
	switch e.Type {
	case TypeOrderPlaced:
		err = s.orderPlaced(ctx, e)
	case TypeOrderCancelled:
		err = s.orderCancelled(ctx, e)
	case TypeReviewSubmitted, TypeReviewRevised, TypeReviewWithdrawn:
		err = s.reviewEvent(ctx, e)
	default:
		s.logger.LogAttrs(ctx, slog.LevelInfo, "event ignored: not a type the catalog consumes", e.LogAttrs()...)
		return nil
	}
	if err != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "event not handled; the bus delivers it again",
			append(e.LogAttrs(), slog.Any("error", err))...)
	}
	return err
}

func (s *Service) orderPlaced(ctx context.Context, e event.Envelope) error {
	var d orderData
	if err := e.Decode(&d); err != nil {
		return err
	}
	o := Order{ID: d.OrderID, CustomerID: d.CustomerID}
	for _, l := range d.Lines {
		o.Lines = append(o.Lines, OrderLine(l))
	}
	if err := o.validate(); err != nil {
		return fmt.Errorf("%w: %s %s: %w", event.ErrInvalid, e.Type, e.ID, err)
	}
	o = o.normalized()
	events, err := s.store.ReserveStock(ctx, e.ID, o, func(d StockDecision) (event.Envelope, error) {
		return StockEvent(ctx, o, d, s.now())
	})
	if err != nil {
		return fmt.Errorf("reserve stock of order %s: %w", o.ID, err)
	}
	for _, out := range events {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "order's stock decided",
			append(e.LogAttrs(), slog.String("decision", out.Type), slog.String("order_id", o.ID))...)
	}
	if len(events) == 0 {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "order decided before: nothing more to do",
			append(e.LogAttrs(), slog.String("order_id", o.ID))...)
	}
	s.after(ctx, events)
	return nil
}

func (s *Service) orderCancelled(ctx context.Context, e event.Envelope) error {
	var d orderData
	if err := e.Decode(&d); err != nil {
		return err
	}
	if d.OrderID == "" {
		return fmt.Errorf("%w: %s %s: no orderId", event.ErrInvalid, e.Type, e.ID)
	}
	released, err := s.store.ReleaseStock(ctx, e.ID, d.OrderID)
	if err != nil {
		return fmt.Errorf("release stock of order %s: %w", d.OrderID, err)
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "order cancelled",
		append(e.LogAttrs(), slog.String("order_id", d.OrderID), slog.Bool("stock_released", released))...)
	return nil
}

func (s *Service) reviewEvent(ctx context.Context, e event.Envelope) error {
	var d reviewData
	if err := e.Decode(&d); err != nil {
		return err
	}
	var errs validation.Errors
	errs.Check(validation.UUID(d.ProductID), "productId", "must be a product ID")
	errs.Check(validRating(d.Rating), "rating", "must be between 1 and 5")
	var delta RatingDelta
	switch e.Type {
	case TypeReviewSubmitted:
		delta = RatingDelta{Count: 1, Total: d.Rating}
	case TypeReviewRevised:
		errs.Check(validRating(d.PreviousRating), "previousRating", "must be between 1 and 5")
		delta = RatingDelta{Total: d.Rating - d.PreviousRating}
	case TypeReviewWithdrawn:
		delta = RatingDelta{Count: -1, Total: -d.Rating}
	}
	if err := errs.Err(); err != nil {
		return fmt.Errorf("%w: %s %s: %w", event.ErrInvalid, e.Type, e.ID, err)
	}
	productID := canonicalID(d.ProductID)
	applied, err := s.store.RecordRating(ctx, e.ID, productID, delta)
	if err != nil {
		return fmt.Errorf("record rating of product %s: %w", productID, err)
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "rating recorded",
		append(e.LogAttrs(), slog.String("product_id", productID), slog.Bool("duplicate", !applied))...)
	return nil
}

func validRating(r int) bool { return r >= MinRating && r <= MaxRating }

// maxOrderLines bounds the lines of an order the catalog reserves at once.
const maxOrderLines = 100

// validate checks what the catalog needs of an order: every product ID is
// a UUID (the catalog's own; orders prices from its projection of them).
func (o Order) validate() error {
	var errs validation.Errors
	errs.Check(o.ID != "" && len(o.ID) <= 128, "orderId", "must be 1 to 128 characters")
	errs.Check(o.CustomerID != "" && len(o.CustomerID) <= 128, "customerId", "must be 1 to 128 characters")
	errs.Check(len(o.Lines) > 0 && len(o.Lines) <= maxOrderLines, "lines", fmt.Sprintf("must be 1 to %d lines", maxOrderLines))
	for i, l := range o.Lines {
		errs.Check(validation.UUID(l.ProductID), fmt.Sprintf("lines/%d/productId", i), "must be a product ID")
		errs.Check(l.Quantity >= 1 && l.Quantity <= MaxStock, fmt.Sprintf("lines/%d/quantity", i), fmt.Sprintf("must be between 1 and %d", MaxStock))
	}
	return errs.Err()
}
