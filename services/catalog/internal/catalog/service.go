package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/packages/validation"
)

// Service carries out the catalog's use cases on a Store.
//
// Every change that announces itself (see ChangeEvents, StockEvent) writes
// its events to the store's outbox with the change; once the store has
// committed, the service hands them to its relay (outbox.Relay.After),
// which publishes them before the call returns, or leaves them for the
// sweep (SweepOutbox) when the bus cannot take them.
type Service struct {
	store  Store
	bus    event.Publisher
	relay  *outbox.Relay // nil without a publisher: events stay in the outbox
	logger *slog.Logger
	now    func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithPublisher makes the service publish its events to bus. Without it the
// service still writes them to the outbox, and publishes nothing itself.
func WithPublisher(bus event.Publisher) Option {
	return func(s *Service) { s.bus = bus }
}

// WithLogger makes the service log to logger: events handled, published or
// left for the sweep.
func WithLogger(logger *slog.Logger) Option {
	return func(s *Service) {
		if logger != nil {
			s.logger = logger
		}
	}
}

// NewService returns a Service on store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{
		store: store, logger: slog.New(slog.DiscardHandler),
		now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
	for _, opt := range opts {
		opt(s)
	}
	if s.bus != nil {
		s.relay = outbox.NewRelay(store, s.bus, s.logger)
	}
	return s
}

// ErrNoPublisher is returned by SweepOutbox for a service without a
// publisher.
var ErrNoPublisher = errors.New("catalog: no event publisher")

// after publishes events just committed, when the service has a publisher.
func (s *Service) after(ctx context.Context, events []event.Envelope) {
	if s.relay != nil {
		s.relay.After(ctx, events...)
	}
}

// SweepOutbox publishes the events left in the outbox for longer than
// grace (outbox.Relay.Sweep), then forgets the IDs of the events processed
// more than ProcessedRetention ago. It returns how many events it
// published.
func (s *Service) SweepOutbox(ctx context.Context, grace time.Duration) (int, error) {
	if s.relay == nil {
		return 0, ErrNoPublisher
	}
	n, err := s.relay.Sweep(ctx, grace)
	if err != nil {
		return n, err
	}
	forgot, err := s.store.ForgetProcessed(ctx, s.now().Add(-ProcessedRetention))
	if err != nil {
		return n, fmt.Errorf("forget processed events: %w", err)
	}
	if forgot > 0 {
		s.logger.InfoContext(ctx, "forgot processed event ids", "forgotten", forgot, "retention", ProcessedRetention.String())
	}
	return n, nil
}

// CreateProduct validates n and stores it as a new active product.
func (s *Service) CreateProduct(ctx context.Context, n NewProduct) (Product, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Product{}, fmt.Errorf("new product id: %w", err)
	}
	now := s.now()
	p, err := n.Create(id.String(), now)
	if err != nil {
		return Product{}, err
	}
	e, err := ProductCreatedEvent(ctx, p, now)
	if err != nil {
		return Product{}, err
	}
	if err := s.store.CreateProduct(ctx, p, e); err != nil {
		return Product{}, err
	}
	s.after(ctx, []event.Envelope{e})
	return p, nil
}

// Product returns the product with the given ID.
func (s *Service) Product(ctx context.Context, id string) (Product, error) {
	if !validID(id) {
		return Product{}, ErrNotFound
	}
	return s.store.Product(ctx, id)
}

// Products returns a page of active products.
func (s *Service) Products(ctx context.Context, q Query) (Page, error) {
	if q.Limit < 1 || q.Limit > MaxLimit {
		return Page{}, validation.Field("limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	}
	if q.After != "" && !validID(q.After) {
		return Page{}, validation.Field("cursor", "is not a cursor this API issued")
	}
	if !ValidText(q.Search) {
		return Page{}, validation.Field("q", "must be UTF-8 text without NUL characters")
	}
	return s.store.Products(ctx, q)
}

// UpdateProduct applies patch when match accepts the product's current
// version (the request's If-Match); it returns ErrVersionMismatch when it
// does not.
func (s *Service) UpdateProduct(ctx context.Context, id string, match func(version int) bool, patch Patch) (Product, error) {
	return s.update(ctx, id, func(p *Product) error {
		if !match(p.Version) {
			return ErrVersionMismatch
		}
		return patch.Apply(p, s.now())
	})
}

// ArchiveProduct stops selling a product whose current version match
// accepts; it returns ErrVersionMismatch when it does not. Archiving twice
// is harmless.
func (s *Service) ArchiveProduct(ctx context.Context, id string, match func(version int) bool) (Product, error) {
	return s.update(ctx, id, func(p *Product) error {
		if !match(p.Version) {
			return ErrVersionMismatch
		}
		p.Archive(s.now())
		return nil
	})
}

// AdjustStock adds delta to a product's stock, never letting it fall below
// zero however many adjustments run at once.
func (s *Service) AdjustStock(ctx context.Context, id string, delta int) (Product, error) {
	return s.update(ctx, id, func(p *Product) error { return p.AdjustStock(delta, s.now()) })
}

// Categories returns every category.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return s.store.Categories(ctx)
}

func (s *Service) update(ctx context.Context, id string, fn func(*Product) error) (Product, error) {
	if !validID(id) {
		return Product{}, ErrNotFound
	}
	var events []event.Envelope
	p, err := s.store.UpdateProduct(ctx, id, func(p *Product) ([]event.Envelope, error) {
		before := *p
		if err := fn(p); err != nil {
			return nil, err
		}
		// The store may call this again (a MySQL deadlock reruns the
		// transaction): the events of the call that committed win.
		var err error
		events, err = ChangeEvents(ctx, before, *p, s.now())
		return events, err
	})
	if err != nil {
		return Product{}, err
	}
	s.after(ctx, events)
	return p, nil
}

// validID reports whether id can be a product ID. Checking it before the
// store answers malformed IDs with "not found" instead of a driver error.
func validID(id string) bool { return validation.UUID(id) }
