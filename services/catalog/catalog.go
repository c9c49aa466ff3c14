// Package catalog is the public face of the catalog context: its HTTP
// contract and the one way to assemble it. The Lambda entry point, the
// migrate command and the local system (infra/local) all build the context
// through New, so they run the same code.
//
// The domain itself lives in internal/catalog; nothing outside this module
// can import it.
package catalog

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"example.com/quartet/packages/budget"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/eventbus"
	"example.com/quartet/packages/lambdacreds"
	"example.com/quartet/packages/outbox"
	domain "example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/mysql"
	"example.com/quartet/services/catalog/internal/postgres"
	"example.com/quartet/services/catalog/internal/rdsiam"
	"example.com/quartet/services/catalog/internal/seed"
)

// OpenAPI is the context's HTTP contract, services/catalog/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// consumesJSON lists the event types the catalog consumes,
// events/consumes.json.
//
//go:embed events/consumes.json
var consumesJSON []byte

// Consumes are the event types the catalog consumes (events/consumes.json):
// infra/aws builds the catalog's EventBridge rule from them, and the local
// bus subscribes the catalog to them.
var Consumes = mustTypes(consumesJSON)

func mustTypes(b []byte) []string {
	var types []string
	if err := json.Unmarshal(b, &types); err != nil {
		panic("catalog: events/consumes.json: " + err.Error()) // embedded: a build defect, caught by every test
	}
	return types
}

// Database engines the catalog runs on.
const (
	EnginePostgres = "postgres" // RDS or Aurora PostgreSQL, through pgx
	EngineMySQL    = "mysql"    // RDS or Aurora MySQL, or MariaDB, through go-sql-driver/mysql
)

// Config is everything the context needs to run.
type Config struct {
	// Engine is EnginePostgres or EngineMySQL; "" means EnginePostgres.
	Engine string
	// DatabaseURL locates the database. For postgres, a postgres:// URL
	// whose parameters may set pool_max_conns, statement_timeout and
	// lock_timeout. For mysql, a go-sql-driver DSN
	// (user:pass@tcp(host:3306)/catalog?tls=true) or a mysql:// URL.
	//
	// Behind RDS Proxy (AWS), the PostgreSQL URL sets
	// default_query_exec_mode=exec: pgx then sends every query as an
	// unnamed extended-protocol statement and prepares no named statement,
	// which would pin the client's session to one database connection and
	// defeat the proxy's multiplexing. (simple_protocol would avoid pinning
	// too, but interpolates parameters on the client.)
	DatabaseURL string
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
	// IAMAuth connects with an RDS IAM authentication token, signed for
	// every new connection from the execution role's credentials, instead
	// of a password in DatabaseURL: how the catalog functions reach RDS
	// Proxy. Region is then required.
	IAMAuth bool
	// Region signs the IAM tokens (AWS_REGION, which Lambda sets).
	Region string
	// Credentials sign the IAM tokens: ConfigFromEnv reads them from the
	// variables Lambda sets for the execution role (AWS_ACCESS_KEY_ID, …).
	Credentials aws.CredentialsProvider

	// Events is where the catalog publishes its events (the relay after
	// each change, and the sweeps): the local bus, a test's recorder, or
	// the stage's EventBridge bus, which ConfigFromEnv opens. Nil means
	// nowhere: the catalog still writes every event to its outbox, and
	// whoever sweeps it later publishes them (how the migrate command
	// runs).
	Events event.Publisher
	// EventBusName names the stage's EventBridge bus (EVENT_BUS_NAME);
	// ConfigFromEnv sets Events to it.
	EventBusName string
	// OutboxSweepInterval, when positive, makes New start a loop that
	// sweeps the outbox at this interval, the first time one interval
	// after New (which does not migrate), until Close (make dev: 5 s).
	// In Lambda it is zero: the relay function sweeps.
	OutboxSweepInterval time.Duration
}

// ConfigFromEnv reads the configuration from the environment:
// CATALOG_DB_ENGINE (postgres, the default, or mysql), DATABASE_URL,
// REQUEST_BUDGET (a duration, budget.Default when unset),
// DATABASE_IAM_AUTH (true to connect with IAM tokens; then AWS_REGION and
// the execution role's credentials, AWS_ACCESS_KEY_ID and friends, which
// Lambda sets), EVENT_BUS_NAME (the EventBridge bus to publish to) and
// OUTBOX_SWEEP_INTERVAL (a duration; unset: no sweep loop).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Engine: getenv("CATALOG_DB_ENGINE"), DatabaseURL: getenv("DATABASE_URL"),
		EventBusName: getenv("EVENT_BUS_NAME"), Region: getenv("AWS_REGION"),
	}
	if cfg.Engine == "" {
		cfg.Engine = EnginePostgres
	}
	if err := checkEngine(cfg.Engine); err != nil {
		return Config{}, fmt.Errorf("CATALOG_DB_ENGINE: %w", err)
	}
	if cfg.EventBusName != "" {
		bus, err := eventbus.Open(getenv, cfg.EventBusName)
		if err != nil {
			return Config{}, fmt.Errorf("EVENT_BUS_NAME: %w", err)
		}
		cfg.Events = bus
	}
	if cfg.DatabaseURL == "" {
		return Config{}, errors.New("DATABASE_URL is not set")
	}
	d, err := budget.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.RequestBudget = d
	if v := getenv("OUTBOX_SWEEP_INTERVAL"); v != "" {
		if cfg.OutboxSweepInterval, err = time.ParseDuration(v); err != nil || cfg.OutboxSweepInterval <= 0 {
			return Config{}, fmt.Errorf("OUTBOX_SWEEP_INTERVAL %q: want a positive duration such as 5s", v)
		}
	}
	if v := getenv("DATABASE_IAM_AUTH"); v != "" {
		iam, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("DATABASE_IAM_AUTH %q: want true or false", v)
		}
		cfg.IAMAuth = iam
	}
	if cfg.IAMAuth {
		if cfg.Region = getenv("AWS_REGION"); cfg.Region == "" {
			return Config{}, errors.New("DATABASE_IAM_AUTH is true but AWS_REGION is not set")
		}
		cfg.Credentials = lambdacreds.FromEnv(getenv)
	}
	return cfg, nil
}

func checkEngine(engine string) error {
	switch engine {
	case "", EnginePostgres, EngineMySQL:
		return nil
	}
	return fmt.Errorf("unknown database engine %q: want %q or %q", engine, EnginePostgres, EngineMySQL)
}

// App is an assembled catalog context.
type App struct {
	db      database
	service *domain.Service
	handler http.Handler

	stop  context.CancelFunc // ends the sweep loop
	swept sync.WaitGroup     // the sweep loop
}

// database is the store of one engine and what the App does with its
// connections besides serving requests.
type database struct {
	store   domain.Store
	migrate func(context.Context) error
	close   func()
}

// New connects to the database and assembles the context. It does not
// migrate: that is an explicit step (Migrate), never part of a cold start.
// With cfg.OutboxSweepInterval it starts the sweep loop, which Close stops.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	bus, err := publisher(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.OutboxSweepInterval > 0 && bus == nil {
		return nil, errors.New("catalog: an outbox sweep interval needs Config.Events or Config.EventBusName")
	}
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("catalog database: %w", err)
	}
	service := domain.NewService(db.store, domain.WithLogger(logger), domain.WithPublisher(bus))
	a := &App{
		db: db, service: service,
		handler: budget.Handler(cfg.RequestBudget, httpapi.New(service, logger)),
		stop:    func() {},
	}
	if cfg.OutboxSweepInterval > 0 {
		a.startSweeps(cfg.OutboxSweepInterval, logger)
	}
	return a, nil
}

// publisher returns where the catalog publishes: cfg.Events, or nil
// (nowhere).
func publisher(cfg Config) (event.Publisher, error) {
	if cfg.Events == nil && cfg.EventBusName != "" {
		return nil, errors.New("catalog: Config.EventBusName without Config.Events (ConfigFromEnv opens the bus)")
	}
	return cfg.Events, nil
}

// startSweeps sweeps the outbox every interval, until Close. The first
// sweep waits one interval, so that New, which never migrates, does not
// sweep a store whose outbox Migrate has yet to create.
func (a *App) startSweeps(interval time.Duration, logger *slog.Logger) {
	ctx, stop := context.WithCancel(context.Background())
	a.stop = stop
	a.swept.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			n, err := a.SweepOutbox(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.WarnContext(ctx, "outbox sweep failed; the next one retries", "published", n, "error", err)
			case n > 0:
				logger.InfoContext(ctx, "outbox sweep published what a crash or an outage left behind", "published", n)
			}
		}
	})
}

// openDatabase opens the store of cfg.Engine. Neither engine contacts the
// server before the first request.
func openDatabase(ctx context.Context, cfg Config) (database, error) {
	var password func(ctx context.Context, host string, port int, user string) (string, error)
	if cfg.IAMAuth {
		if cfg.Region == "" || cfg.Credentials == nil {
			return database{}, errors.New("IAM auth needs Config.Region and Config.Credentials")
		}
		password = rdsiam.Signer{Region: cfg.Region, Credentials: cfg.Credentials}.Token
	}
	switch cfg.Engine {
	case "", EnginePostgres:
		var opts []postgres.Option
		if password != nil {
			opts = append(opts, postgres.WithPassword(password))
		}
		pool, err := postgres.NewPool(ctx, cfg.DatabaseURL, opts...)
		if err != nil {
			return database{}, err
		}
		return database{
			store:   postgres.NewStore(pool),
			migrate: func(ctx context.Context) error { return postgres.Migrate(ctx, pool) },
			close:   pool.Close,
		}, nil
	case EngineMySQL:
		var passwords []mysql.PasswordFunc
		if password != nil {
			passwords = append(passwords, password)
		}
		db, err := mysql.Open(cfg.DatabaseURL, passwords...)
		if err != nil {
			return database{}, err
		}
		return database{
			store:   mysql.NewStore(db),
			migrate: func(ctx context.Context) error { return mysql.Migrate(ctx, db) },
			close:   func() { _ = db.Close() },
		}, nil
	}
	return database{}, checkEngine(cfg.Engine)
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate brings the database schema up to date.
func (a *App) Migrate(ctx context.Context) error { return a.db.migrate(ctx) }

// Seed loads the demo data; running it again adds nothing.
func (a *App) Seed(ctx context.Context) error { return seed.Run(ctx, a.service, a.db.store) }

// Subscription is the catalog's consumer, for the bus: it handles the
// types in Consumes (see the domain's Service.HandleEvent), idempotently.
func (a *App) Subscription() event.Subscription {
	return event.Subscription{Consumer: domain.Source, Types: Consumes, Handler: a.service.HandleEvent}
}

// SweepOutbox publishes the events left in the outbox for longer than
// outbox.DefaultGrace, and forgets the IDs of events processed more than
// 14 days ago (domain.ProcessedRetention); it returns how many events it
// published. The relay function calls it on a schedule; make dev's loop
// (Config.OutboxSweepInterval) too. It fails without a publisher.
func (a *App) SweepOutbox(ctx context.Context) (int, error) {
	return a.service.SweepOutbox(ctx, outbox.DefaultGrace)
}

// Close stops the sweep loop and releases the database connections.
func (a *App) Close() {
	a.stop()
	a.swept.Wait()
	a.db.close()
}
