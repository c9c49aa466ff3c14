// Package orders is the public face of the orders context: its HTTP
// contract and the one way to assemble it. The Lambda entry point and the
// local system (infra/local) build the context through New, so they run the
// same code. For local use, package localdynamo serves an in-memory
// DynamoDB to point Config.DynamoDBEndpoint at, and package table defines
// the table for the CDK stack.
//
// The context produces OrderPlaced, OrderConfirmed and OrderCancelled
// through its outbox (Config.Events, SweepOutbox) and consumes catalog's
// product and stock events (Consumes, Subscription): see docs/events.md.
//
// The domain itself lives in internal/orders; nothing outside this module
// can import it.
package orders

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"example.com/quartet/packages/budget"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/eventbus"
	"example.com/quartet/packages/outbox"
	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/internal/httpapi"
	domain "example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/table"
)

// Name is the context's name: the source of its events and the name of its
// consumer (its queue).
const Name = domain.Source

// Consumes lists the event types the context consumes,
// services/orders/events/consumes.json: the AWS stack builds the consumer's
// EventBridge rule from it, and the local bus subscribes it.
var Consumes = mustConsumes(consumesJSON)

//go:embed events/consumes.json
var consumesJSON []byte

func mustConsumes(b []byte) []string {
	var types []string
	if err := json.Unmarshal(b, &types); err != nil {
		panic(fmt.Sprintf("orders: events/consumes.json: %v", err)) // a broken embedded file: the build is wrong
	}
	return types
}

// OpenAPI is the context's HTTP contract, services/orders/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Config is everything the context needs to run.
type Config struct {
	// DynamoDBEndpoint is a local DynamoDB's URL (minidyn through
	// localdynamo, DynamoDB Local); empty means DynamoDB in AWS.
	DynamoDBEndpoint string
	// Region is the AWS region; empty means the environment's (in AWS) or
	// us-east-1 (with an endpoint).
	Region string
	// TableName is the DynamoDB table; empty means table.DefaultName.
	TableName string
	// Events is where the relay publishes the context's events: the local
	// bus, tests, or the stage's EventBridge bus, which ConfigFromEnv
	// opens. When nil, events stay in the outbox (tools).
	Events event.Publisher
	// EventBusName is the stage's EventBridge bus, such as "quartet-dev"
	// (EVENT_BUS_NAME); ConfigFromEnv sets Events to it.
	EventBusName string
	// OutboxSweepInterval, when positive, makes New start a loop that
	// sweeps the outbox at this interval, the first time one interval
	// after New (which does not migrate), until Close (make dev: 5 s).
	// In Lambda it is 0: the relay function sweeps.
	OutboxSweepInterval time.Duration
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
	// ClaimLease is how long an order placement holds its idempotency key;
	// a placement that dies holding it (crash, function timeout, a hung
	// DynamoDB) blocks retries with that key until the lease ends, then a
	// retry takes the key over. Zero means DefaultClaimLease. Keep it no
	// longer than the function timeout.
	ClaimLease time.Duration
}

// DefaultClaimLease is the ClaimLease used when the configuration sets none.
const DefaultClaimLease = domain.DefaultClaimLease

// Bounds of Config.ClaimLease read from the environment.
const (
	minClaimLease = time.Second
	maxClaimLease = 15 * time.Minute // Lambda's longest function timeout
)

// ConfigFromEnv reads the configuration from the environment:
// DYNAMODB_ENDPOINT, AWS_REGION, ORDERS_TABLE, EVENT_BUS_NAME,
// REQUEST_BUDGET (a duration, budget.Default when unset) and
// ORDERS_CLAIM_LEASE (a Go duration such as "15s", 1 s to 15 min; default
// DefaultClaimLease).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		DynamoDBEndpoint: getenv("DYNAMODB_ENDPOINT"),
		Region:           getenv("AWS_REGION"),
		TableName:        getenv("ORDERS_TABLE"),
		EventBusName:     getenv("EVENT_BUS_NAME"),
	}
	if cfg.EventBusName != "" {
		bus, err := eventbus.Open(getenv, cfg.EventBusName)
		if err != nil {
			return Config{}, fmt.Errorf("EVENT_BUS_NAME: %w", err)
		}
		cfg.Events = bus
	}
	d, err := budget.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.RequestBudget = d
	if v := getenv("ORDERS_CLAIM_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minClaimLease || d > maxClaimLease {
			return Config{}, fmt.Errorf("ORDERS_CLAIM_LEASE %q: want a duration from %v to %v", v, minClaimLease, maxClaimLease)
		}
		cfg.ClaimLease = d
	}
	return cfg, nil
}

// App is an assembled orders context.
type App struct {
	cfg     Config
	handler http.Handler
	service *domain.Service
	relay   *outbox.Relay // nil when nothing publishes
	logger  *slog.Logger
	migrate func(context.Context) error
	stop    context.CancelFunc // of the sweep loop
	wg      sync.WaitGroup
}

// New builds the DynamoDB client (and the EventBridge client, for
// EventBusName) and assembles the context. It does not create the table:
// that is an explicit step (Migrate), and in AWS the CDK stack's.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.TableName == "" {
		cfg.TableName = table.DefaultName
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client, err := dynamo.NewClient(ctx, dynamo.ClientConfig{Endpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("orders DynamoDB client: %w", err)
	}
	bus := cfg.Events
	if bus == nil && cfg.EventBusName != "" {
		return nil, errors.New("orders: Config.EventBusName without Config.Events (ConfigFromEnv opens the bus)")
	}
	store := dynamo.NewStore(client, cfg.TableName)
	opts := []domain.Option{domain.WithClaimLease(cfg.ClaimLease)}
	a := &App{cfg: cfg, logger: logger,
		migrate: func(ctx context.Context) error { return dynamo.CreateTable(ctx, client, cfg.TableName) }}
	if bus != nil {
		a.relay = outbox.NewRelay(store, bus, logger)
		opts = append(opts, domain.WithRelay(a.relay))
	}
	a.service = domain.NewService(store, opts...)
	a.handler = budget.Handler(cfg.RequestBudget, httpapi.New(a.service, logger))
	if a.relay != nil && cfg.OutboxSweepInterval > 0 {
		loop, stop := context.WithCancel(context.WithoutCancel(ctx))
		a.stop = stop
		a.wg.Go(func() { a.relay.Run(loop, cfg.OutboxSweepInterval, outbox.DefaultGrace) })
	}
	return a, nil
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Subscription is the context's consumer of the events in Consumes: it
// keeps the products projection and moves orders through the saga
// (StockReserved confirms, StockRejected cancels). It is idempotent: every
// effect is stored with the event's ID, and a duplicate changes nothing.
func (a *App) Subscription() event.Subscription {
	return event.Subscription{Consumer: Name, Types: Consumes, Handler: a.service.HandleEvent}
}

// SweepOutbox publishes what the outbox still holds (events older than
// outbox.DefaultGrace) and returns how many it published: one run of the
// relay function. It fails when the context has nowhere to publish.
func (a *App) SweepOutbox(ctx context.Context) (int, error) {
	if a.relay == nil {
		return 0, errors.New("orders: no event bus configured (Config.Events or EVENT_BUS_NAME)")
	}
	return a.relay.Sweep(ctx, outbox.DefaultGrace)
}

// Migrate creates the table from table.Orders unless it exists. It is for
// local endpoints only: in AWS the CDK stack owns the table, so Migrate
// refuses to run without Config.DynamoDBEndpoint.
func (a *App) Migrate(ctx context.Context) error {
	if a.cfg.DynamoDBEndpoint == "" {
		return errors.New("orders: the table in AWS is created by the CDK stack, not by Migrate")
	}
	return a.migrate(ctx)
}

// Close stops the outbox sweep loop, if any, and waits for it. The SDK
// clients hold only idle connections, which the process's exit closes.
func (a *App) Close() {
	if a.stop != nil {
		a.stop()
		a.wg.Wait()
	}
}
