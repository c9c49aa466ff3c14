// Package reviews is the public face of the reviews context: its HTTP
// contract and the one way to assemble it. The Lambda entry point, the
// migrate and recompute commands and the local system (infra/local) all
// build the context through New, so they run the same code.
//
// The context talks to MongoDB through the plain driver. Locally it runs on
// FerretDB v1 embedded with SQLite (package
// example.com/quartet/packages/embeddedferret), which the Lambda binary
// never links.
package reviews

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"example.com/quartet/packages/budget"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/eventbus"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/packages/redact"
	"example.com/quartet/services/reviews/internal/httpapi"
	mongostore "example.com/quartet/services/reviews/internal/mongo"
	domain "example.com/quartet/services/reviews/internal/reviews"
)

// OpenAPI is the context's HTTP contract, services/reviews/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// DefaultDatabase is the database used when the configuration names none.
const DefaultDatabase = "reviews"

// Name is the context's name: the source of its events and the name of its
// consumer (its queue).
const Name = domain.Source

//go:embed events/consumes.json
var consumesJSON []byte

// Consumes lists the event types reviews consumes (events/consumes.json):
// the AWS stack builds the consumer's EventBridge rule from it, the local
// bus subscribes it from it.
var Consumes = mustConsumes(consumesJSON)

func mustConsumes(b []byte) []string {
	var types []string
	if err := json.Unmarshal(b, &types); err != nil {
		panic("reviews: events/consumes.json: " + err.Error()) // a broken embedded file: a build defect
	}
	return types
}

// Config is everything the context needs to run.
type Config struct {
	// MongoURI is a mongodb:// or mongodb+srv:// connection string. Driver
	// options such as maxPoolSize or timeoutMS may be given in it.
	MongoURI string
	// MongoURISecret, instead of MongoURI, is the name or ARN of the
	// Secrets Manager secret whose SecretString is the URI (in AWS:
	// quartet/<stage>/reviews/mongodb-uri). New reads it once, through
	// ReadSecret.
	MongoURISecret string
	// ReadSecret reads a secret's SecretString; it must be set when
	// MongoURISecret is.
	ReadSecret func(ctx context.Context, id string) (string, error)
	// Database is the database holding the context's collections.
	Database string
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
	// SweepInterval, when positive, makes New start a background sweep of
	// owed summary changes at this interval, stopped by Close: for
	// long-running processes (make dev). A Lambda function leaves it zero
	// and sweeps on a schedule (App.Sweep) instead; every New sweeps once
	// at start either way.
	SweepInterval time.Duration
	// Events is where the relay publishes the context's events: the local
	// bus, a test's recorder, or the stage's EventBridge bus, which
	// ConfigFromEnv opens. When nil the context still writes its outbox
	// but publishes nothing itself (tools such as migrate and recompute).
	Events event.Publisher
	// EventBusName is the EventBridge bus of the stage (EVENT_BUS_NAME);
	// ConfigFromEnv sets Events to it.
	EventBusName string
	// OutboxSweepInterval, when positive, makes New start a loop that
	// sweeps the outbox at this interval, the first time one interval
	// after New (which does not migrate), until Close (make dev: 5 s).
	// In Lambda it is zero: the relay function sweeps (SweepOutbox).
	OutboxSweepInterval time.Duration
}

// startSweepTimeout bounds the sweep that New runs, so that a cold start
// stays short even when many changes are owed; what it leaves, the next
// sweep finishes.
const startSweepTimeout = 3 * time.Second

// ConfigFromEnv reads the configuration from the environment: exactly one
// of MONGODB_URI (the URI) and MONGODB_URI_SECRET (the Secrets Manager
// secret holding it: AWS), MONGODB_DATABASE (default "reviews"),
// EVENT_BUS_NAME (the EventBridge bus; the Lambda functions require it)
// and REQUEST_BUDGET (a duration, budget.Default when unset). With
// MONGODB_URI_SECRET the caller sets Config.ReadSecret.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{MongoURI: getenv("MONGODB_URI"), MongoURISecret: getenv("MONGODB_URI_SECRET"), Database: getenv("MONGODB_DATABASE"),
		EventBusName: getenv("EVENT_BUS_NAME")}
	switch {
	case cfg.MongoURI == "" && cfg.MongoURISecret == "":
		return Config{}, errors.New("neither MONGODB_URI nor MONGODB_URI_SECRET is set; set one")
	case cfg.MongoURI != "" && cfg.MongoURISecret != "":
		return Config{}, errors.New("MONGODB_URI and MONGODB_URI_SECRET are both set; set only one")
	}
	if cfg.EventBusName != "" {
		bus, err := eventbus.Open(getenv, cfg.EventBusName)
		if err != nil {
			return Config{}, fmt.Errorf("EVENT_BUS_NAME: %w", err)
		}
		cfg.Events = bus
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	d, err := budget.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.RequestBudget = d
	return cfg, nil
}

// LogValue logs the configuration with the URI's password masked.
func (c Config) LogValue() slog.Value {
	bus := slog.String("event_bus", c.EventBusName)
	if c.MongoURISecret != "" {
		return slog.GroupValue(slog.String("mongo_uri_secret", c.MongoURISecret), slog.String("database", c.Database), bus)
	}
	return slog.GroupValue(slog.String("mongo_uri", redact.URL(c.MongoURI)), slog.String("database", c.Database), bus)
}

// SweepResult is what App.Sweep did.
type SweepResult = mongostore.SweepResult

// Drift is what App.Recompute found: summaries and helpful counts that
// differ from the reviews and votes they count.
type Drift = mongostore.Drift

// App is an assembled reviews context.
type App struct {
	client      *mongo.Client
	db          *mongo.Database
	store       *mongostore.Store
	svc         *domain.Service
	relay       *outbox.Relay
	handler     http.Handler
	stopSweeper context.CancelFunc
	sweeperDone chan struct{}
	logger      *slog.Logger
}

// New connects to MongoDB and assembles the context. It fails within
// seconds when the server is unreachable. It does not create indexes: that
// is an explicit step (Migrate), never part of a cold start.
//
// It sweeps once before returning (the start sweep, bounded by a few
// seconds; a failure is logged, not returned): summary changes that
// reviews still owe, left by a process that died or an operation cut
// short, are applied. With cfg.SweepInterval it also keeps sweeping.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.MongoURISecret != "" {
		if cfg.MongoURI != "" {
			return nil, errors.New("reviews: set MongoURI or MongoURISecret, not both")
		}
		if cfg.ReadSecret == nil {
			return nil, errors.New("reviews: MongoURISecret is set but ReadSecret is nil")
		}
		uri, err := cfg.ReadSecret(ctx, cfg.MongoURISecret)
		if err != nil {
			return nil, fmt.Errorf("reviews database: %w", err)
		}
		cfg.MongoURI = uri
	}
	client, err := mongostore.Connect(ctx, cfg.MongoURI)
	if err != nil {
		return nil, fmt.Errorf("reviews database: %w", err)
	}
	db := client.Database(cfg.Database)
	ferret, err := mongostore.IsFerretDB(ctx, db)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("reviews database: %w", err)
	}
	if ferret {
		logger.Info("reviews database is FerretDB: serializing updates of each document in this process")
	}
	bus, err := publisher(cfg)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	store := mongostore.NewStore(db, mongostore.Options{SerializeUpdates: ferret, Logger: logger})
	app := &App{client: client, db: db, store: store, logger: logger}
	var relay domain.Relay // none without a bus: events wait in the outbox
	if bus != nil {
		app.relay = outbox.NewRelay(store, bus, logger)
		relay = app.relay
	}
	app.svc = domain.NewService(store, relay)
	app.handler = budget.Handler(cfg.RequestBudget, httpapi.New(app.svc, logger))
	sctx, cancel := context.WithTimeout(ctx, startSweepTimeout)
	app.logSweep(sctx, logger, "start")
	cancel()
	loops := []func(context.Context){}
	if cfg.SweepInterval > 0 {
		loops = append(loops, func(ctx context.Context) { store.RunSweeper(ctx, cfg.SweepInterval) })
	}
	if cfg.OutboxSweepInterval > 0 && app.relay != nil {
		loops = append(loops, func(ctx context.Context) { app.relay.Run(ctx, cfg.OutboxSweepInterval, outbox.DefaultGrace) })
	}
	if len(loops) > 0 {
		sweepCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
		app.stopSweeper, app.sweeperDone = stop, make(chan struct{})
		go func() {
			defer close(app.sweeperDone)
			done := make(chan struct{}, len(loops))
			for _, loop := range loops {
				go func() { loop(sweepCtx); done <- struct{}{} }()
			}
			for range loops {
				<-done
			}
		}()
	}
	return app, nil
}

// publisher returns where reviews publishes: cfg.Events, or nil
// (nowhere).
func publisher(cfg Config) (event.Publisher, error) {
	if cfg.Events == nil && cfg.EventBusName != "" {
		return nil, errors.New("reviews: Config.EventBusName without Config.Events (ConfigFromEnv opens the bus)")
	}
	return cfg.Events, nil
}

// Subscription is reviews' consumer, for the bus: Consumer "reviews", the
// types of Consumes, and a handler that keeps the product projection and
// the purchases (and so the verified-purchase marks), idempotently. It
// returns nil once an event's effect is stored or when it has none, an
// error when trying again may succeed (the store failed) or the event's
// data is unusable (it then ends in the dead letters). Every log line
// about an event carries the event's attributes.
func (a *App) Subscription() event.Subscription {
	return event.Subscription{
		Consumer: Name,
		Types:    Consumes,
		Handler: func(ctx context.Context, e event.Envelope) error {
			err := a.svc.HandleEvent(ctx, e)
			if errors.Is(err, domain.ErrBadEvent) {
				a.logger.LogAttrs(ctx, slog.LevelError, "event with data reviews cannot use",
					append(e.LogAttrs(), slog.Any("error", err))...)
			}
			return err
		},
	}
}

// SweepOutbox publishes the events the outbox still holds that are older
// than outbox.DefaultGrace (a crash between a change and its publication, a
// bus that was down) and returns how many it published: one run of the
// relay function. Without a bus it publishes nothing.
func (a *App) SweepOutbox(ctx context.Context) (int, error) {
	if a.relay == nil {
		return 0, nil
	}
	return a.relay.Sweep(ctx, outbox.DefaultGrace)
}

// logSweep runs a sweep of every owed change and logs what it did.
func (a *App) logSweep(ctx context.Context, logger *slog.Logger, which string) {
	res, err := a.Sweep(ctx)
	switch {
	case err != nil:
		logger.WarnContext(ctx, which+" sweep of owed summary changes failed", "err", err)
	case res.Finished > 0 || res.Counted > 0:
		logger.InfoContext(ctx, which+" sweep finished owed changes", "finished", res.Finished, "counted", res.Counted)
	}
}

// Sweep applies every summary change that reviews still owe and counts
// every helpful vote not counted yet (left by a process that died, or an
// operation cut short, between its writes) and forgets long-applied ids. It is idempotent and safe to run
// concurrently with requests and with other sweeps, in any process. In AWS
// it runs at every cold start and on a schedule (see the README).
func (a *App) Sweep(ctx context.Context) (SweepResult, error) { return a.store.Sweep(ctx, 0) }

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate creates the indexes the context relies on. It is idempotent.
func (a *App) Migrate(ctx context.Context) error { return mongostore.Migrate(ctx, a.db) }

// Recompute recounts every rating summary and helpful count and reports
// drift; with fix it also corrects it. See the README for when drift can
// arise.
func (a *App) Recompute(ctx context.Context, fix bool) (Drift, error) {
	return a.store.Recompute(ctx, fix)
}

// Close disconnects from MongoDB, waiting a few seconds at most for
// operations in flight.
func (a *App) Close() {
	if a.stopSweeper != nil {
		a.stopSweeper()
		<-a.sweeperDone
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = a.client.Disconnect(ctx)
}
