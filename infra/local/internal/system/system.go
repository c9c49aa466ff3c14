// Package system composes the local system: it starts the stores the bounded
// contexts need and builds each context's Lambda handler for the gateway.
//
// Adding a context to `make dev` takes one entry in contexts, and, if it
// needs a new kind of store, one field in Stores and one start in Start.
package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/portwait"
	"example.com/quartet/packages/dynamolocal"
	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/embeddedmysql"
	"example.com/quartet/packages/embeddedpg"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/packages/redact"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/localdynamo"
	"example.com/quartet/services/reviews"
)

// Audience is the "aud" of the tokens accounts issues locally, and the
// audience the gateway's JWT authorizer accepts.
const Audience = "quartet"

// Ports are the fixed ports of the embedded stores. They sit below 32768,
// the start of the ephemeral port range, so that outgoing sockets never
// take them. A zero port means a free port chosen at start.
type Ports struct {
	Postgres, MySQL, DynamoDB, MongoDB int
}

// DefaultPorts are the ports of `make dev`.
var DefaultPorts = Ports{Postgres: 15432, MySQL: 13306, DynamoDB: 18000, MongoDB: 27018}

// The databases the contexts use on their servers.
const (
	accountsDatabase = "accounts"
	// ReviewsDatabase is the MongoDB database of reviews.
	ReviewsDatabase = reviews.DefaultDatabase
	// reviewsSweepInterval is how often make dev applies the summary
	// changes that reviews still owe (after a request cut by its deadline).
	reviewsSweepInterval = 30 * time.Second
	// OutboxSweepInterval is how often each producer's relay publishes
	// what its outbox still holds (a crash or a bus failure between a
	// commit and its publish); each also sweeps once at start.
	OutboxSweepInterval = 5 * time.Second
)

// BusFile is the local bus's file in the data directory: every consumer's
// queue and the dead letters.
const BusFile = "bus/events.db"

// Stores holds the connection strings of the local stores, one field per
// kind of store.
type Stores struct {
	// PostgresURL is catalog's PostgreSQL (postgres://).
	PostgresURL string
	// MySQLDSN is accounts' MySQL or MariaDB (go-sql-driver DSN or
	// mysql:// URL).
	MySQLDSN string
	// DynamoDBEndpoint is orders' DynamoDB endpoint (http://).
	DynamoDBEndpoint string
	// MongoURI is reviews' MongoDB (mongodb://).
	MongoURI string
}

// Store describes one running store, for the banner.
type Store struct {
	Context string // the context that owns it, such as "catalog"
	Kind    string // such as "PostgreSQL"
	Where   string // its connection string, password masked
	Note    string // embedded or not, and whether its data persists
}

// DemoAccount is an account accounts seeds, with its password.
type DemoAccount struct {
	Role, Email, Password string
}

// DemoAccounts are the accounts every local system has: accounts' seed.
var DemoAccounts = []DemoAccount{
	{Role: "admin", Email: accounts.DemoAdminEmail, Password: accounts.DemoAdminPassword},
	{Role: "customer", Email: accounts.DemoCustomerEmail, Password: accounts.DemoCustomerPassword},
}

// app is what every context's public app package provides.
type app interface {
	Migrate(ctx context.Context) error
	Handler() http.Handler
	Close()
}

// subscriber is an app that consumes events: the bus delivers them to
// its subscription's handler.
type subscriber interface {
	Subscription() event.Subscription
}

// seeder is an app with demo data to load at every start; seeding is
// idempotent.
type seeder interface {
	Seed(ctx context.Context) error
}

// wiring is what a context is opened with.
type wiring struct {
	Stores
	// GatewayURL is the gateway's base URL: the token issuer, and where
	// one context reaches another's public API, as in AWS.
	GatewayURL string
	// DataDir keeps local secrets such as the token signing key.
	DataDir string
	// Events is where the producers' relays publish: the local bus.
	Events event.Publisher
}

// sweepEvery is the outbox sweep interval of an app opened with w: none
// without a bus to publish to.
func (w wiring) sweepEvery() time.Duration {
	if w.Events == nil {
		return 0
	}
	return OutboxSweepInterval
}

// entry describes one bounded context: its name, its OpenAPI document, the
// event types it consumes and how to open its app on the local stores.
type entry struct {
	name     string
	spec     []byte
	consumes []string // its Consumes; the app is then a subscriber
	open     func(context.Context, wiring, *slog.Logger) (app, error)
}

// contexts lists the bounded contexts of the local system. accounts comes
// first: it issues the tokens the others trust.
func contexts() []entry {
	return []entry{
		{
			name: "accounts",
			spec: accounts.OpenAPI,
			open: func(ctx context.Context, w wiring, l *slog.Logger) (app, error) {
				return nonNil(accounts.New(ctx, accounts.Config{
					DatabaseURL: w.MySQLDSN,
					Issuer:      w.GatewayURL,
					Audience:    Audience,
					Keys:        accounts.KeysInDir(w.DataDir),
				}, l))
			},
		},
		{
			name:     "catalog",
			spec:     catalog.OpenAPI,
			consumes: catalog.Consumes,
			open: func(ctx context.Context, w wiring, l *slog.Logger) (app, error) {
				return nonNil(catalog.New(ctx, catalog.Config{DatabaseURL: w.PostgresURL,
					Events: w.Events, OutboxSweepInterval: w.sweepEvery()}, l))
			},
		},
		{
			name:     "orders",
			spec:     orders.OpenAPI,
			consumes: orders.Consumes,
			open: func(ctx context.Context, w wiring, l *slog.Logger) (app, error) {
				return nonNil(orders.New(ctx, orders.Config{DynamoDBEndpoint: w.DynamoDBEndpoint,
					Events: w.Events, OutboxSweepInterval: w.sweepEvery()}, l))
			},
		},
		{
			name:     "reviews",
			spec:     reviews.OpenAPI,
			consumes: reviews.Consumes,
			open: func(ctx context.Context, w wiring, l *slog.Logger) (app, error) {
				// make dev is one long-running process: it sweeps owed summary
				// changes at start (in New) and every reviewsSweepInterval.
				sweep := reviewsSweepInterval
				if w.Events == nil {
					sweep = 0
				}
				return nonNil(reviews.New(ctx, reviews.Config{MongoURI: w.MongoURI, Database: ReviewsDatabase,
					SweepInterval: sweep, Events: w.Events, OutboxSweepInterval: w.sweepEvery()}, l))
			},
		},
	}
}

// nonNil returns a as an app, or a nil app (not a typed nil pointer in the
// interface) with err.
func nonNil[A app](a A, err error) (app, error) {
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Config configures Start.
type Config struct {
	// DataDir keeps the data of the embedded stores and the token signing
	// key across restarts.
	DataDir string
	// External lists stores to use instead of the embedded ones; each
	// empty field starts the embedded stand-in.
	External Stores
	// Ports are the embedded stores' ports; zero ports are chosen free.
	Ports Ports
	// GatewayURL is the base URL the gateway serves at, such as
	// http://127.0.0.1:8080: the tokens' issuer.
	GatewayURL string
	// BusPolicy is how the local bus retries; zero fields take the bus's
	// defaults (tests shorten it).
	BusPolicy bus.Policy
	// WrapPublisher, if not nil, wraps the bus as the producers see it:
	// tests make publishing fail, or publish every event twice.
	WrapPublisher func(event.Publisher) event.Publisher
	// Logger is handed to every context and store. Nil discards their logs.
	Logger *slog.Logger
	// StoreLog receives the output of the embedded PostgreSQL server.
	StoreLog io.Writer
	// DynamoDBLog receives the output of DynamoDB Local. Nil discards it.
	DynamoDBLog io.Writer
	// Progress receives one line per step of the start, such as
	// "starting PostgreSQL (catalog)...". Nil discards them.
	Progress io.Writer
}

// AccountsSnapshot is the file in the data directory that keeps the
// embedded accounts store (go-mysql-server) across restarts.
const AccountsSnapshot = "mysql/accounts.snapshot.json"

// DynamoDBDir is the directory in the data directory of DynamoDB Local's
// data.
const DynamoDBDir = "dynamodb"

// System is the running local system.
type System struct {
	// Stores are the stores the contexts use.
	Stores Stores
	// Running describes them, in the order of contexts.
	Running []Store
	// Contexts are the contexts' handlers, ready for gateway.New.
	Contexts []gateway.Context
	// Handlers are the same contexts' http.Handlers, in the same order,
	// for serving them without the gateway (cmd/load compares the two).
	Handlers []http.Handler
	// Bus is the local event bus, in BusFile: its Admin handler serves the
	// dead letters.
	Bus *bus.Bus

	closers []func() error // in the order things were started
}

// Start starts the stores, then opens, migrates and seeds every context. The
// caller must call Close, which undoes all of it; on error Start undoes what
// it did itself.
func Start(ctx context.Context, cfg Config) (_ *System, err error) {
	if cfg.GatewayURL == "" {
		return nil, errors.New("system: no gateway URL")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Every line logged with a context that carries a correlation id (a
	// request's, an event's) says it, so that one order can be followed
	// through the log.
	logger = slog.New(correlated{Handler: logger.Handler()})
	s := &System{Stores: cfg.External}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Close())
		}
	}()
	if err := s.startStores(ctx, cfg, logger); err != nil {
		return nil, err
	}

	// The bus opens, and every consumer is declared, before any context
	// opens: the events the first ones publish while they migrate and seed
	// wait in the queues of those not open yet.
	busPath := filepath.Join(cfg.DataDir, filepath.FromSlash(BusFile))
	progress(cfg, "opening the event bus (%s)...", busPath)
	b, err := bus.Open(bus.Options{Path: busPath, Policy: cfg.BusPolicy, Logger: logger})
	if err != nil {
		return nil, err
	}
	s.Bus = b
	s.closers = append(s.closers, b.Close)
	for _, e := range contexts() {
		if len(e.consumes) > 0 {
			if err := b.Declare(e.name, e.consumes); err != nil {
				return nil, err
			}
		}
	}
	var events event.Publisher = b
	if cfg.WrapPublisher != nil {
		events = cfg.WrapPublisher(events)
	}

	w := wiring{Stores: s.Stores, GatewayURL: cfg.GatewayURL, DataDir: cfg.DataDir, Events: events}
	for _, e := range contexts() {
		progress(cfg, "opening %s: migrating its store and loading its demo data...", e.name)
		a, err := e.open(ctx, w, logger.With("context", e.name))
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", e.name, err)
		}
		s.closers = append(s.closers, func() error { a.Close(); return nil })
		if err := a.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("migrate %s: %w", e.name, err)
		}
		if sd, ok := a.(seeder); ok {
			if err := sd.Seed(ctx); err != nil {
				return nil, fmt.Errorf("seed %s: %w", e.name, err)
			}
		}
		if len(e.consumes) > 0 {
			sub, ok := a.(subscriber)
			if !ok {
				return nil, fmt.Errorf("%s consumes %v but has no Subscription", e.name, e.consumes)
			}
			if err := b.Attach(sub.Subscription()); err != nil {
				return nil, err
			}
		}
		h := a.Handler()
		s.Contexts = append(s.Contexts, gateway.Context{
			Name:    e.name,
			Spec:    e.spec,
			Handler: lambdahttp.Adapt(h),
		})
		s.Handlers = append(s.Handlers, h)
	}
	progress(cfg, "delivering the events of the start (the projections of the demo data)...")
	s.awaitDelivery(ctx, logger, startDeliveryWait)
	return s, nil
}

// startDeliveryWait bounds how long Start waits for the events the start
// published (the demo data's, and what a crash left in the outboxes) to be
// delivered.
const startDeliveryWait = 15 * time.Second

// awaitDelivery waits, at most wait, until every consumer's queue is empty,
// so that the first requests find orders' and reviews' projections of the
// demo products. A queue still busy then (a consumer whose store is down)
// is logged and delivered later, as at any time.
func (s *System) awaitDelivery(ctx context.Context, logger *slog.Logger, wait time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		queued, err := s.Bus.Queued()
		total := 0
		for _, n := range queued {
			total += n
		}
		if err == nil && total == 0 {
			return
		}
		select {
		case <-ctx.Done():
			logger.Warn("the start's events are not all delivered yet; the bus goes on retrying", "queued", queued, "error", err)
			return
		case <-tick.C:
		}
	}
}

// progress prints one line of the start to cfg.Progress.
func progress(cfg Config, format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "  "+format+"\n", args...)
	}
}

// InUseAdvice is what the port-in-use messages suggest.
const InUseAdvice = "run beside it with `make dev PORTS=free` (free ports for everything), or set %s to use a server of your own"

// startStores starts the embedded stand-in of every store not given in
// cfg.External, each after waiting for its fixed port to be released by a
// previous run.
func (s *System) startStores(ctx context.Context, cfg Config, logger *slog.Logger) error {
	wait := func(port int, what, env string) error {
		return portwait.Free(ctx, port, portwait.Wait, what, fmt.Sprintf(InUseAdvice, env))
	}

	// accounts: MySQL.
	if s.Stores.MySQLDSN != "" {
		s.Running = append(s.Running, Store{"accounts", "MySQL", mysqlx.Redacted(s.Stores.MySQLDSN), "external (ACCOUNTS_DATABASE_URL)"})
	} else {
		if err := wait(cfg.Ports.MySQL, "embedded MySQL (accounts)", "ACCOUNTS_DATABASE_URL"); err != nil {
			return err
		}
		progress(cfg, "starting MySQL for accounts (go-mysql-server, in this process)...")
		snapshot := filepath.Join(cfg.DataDir, filepath.FromSlash(AccountsSnapshot))
		srv, err := embeddedmysql.Start(embeddedmysql.Options{
			Port:         cfg.Ports.MySQL,
			Databases:    []string{accountsDatabase},
			Logger:       logger.With("store", "go-mysql-server"),
			SnapshotPath: snapshot,
		})
		if err != nil {
			return fmt.Errorf("start the embedded MySQL (go-mysql-server) for accounts: %w", err)
		}
		s.closers = append(s.closers, srv.Stop)
		s.Stores.MySQLDSN = srv.DSN(accountsDatabase)
		s.Running = append(s.Running, Store{"accounts", "MySQL", s.Stores.MySQLDSN,
			fmt.Sprintf("embedded go-mysql-server, in memory, kept in %s (at exit and every %s: kill -9 loses the last %[2]s)", snapshot, embeddedmysql.DefaultSnapshotEvery)})
	}

	// catalog: PostgreSQL.
	if s.Stores.PostgresURL != "" {
		s.Running = append(s.Running, Store{"catalog", "PostgreSQL", redact.URL(s.Stores.PostgresURL), "external (DATABASE_URL)"})
	} else {
		dir := filepath.Join(cfg.DataDir, "postgres")
		// A server an earlier make dev left running (killed by a second
		// Ctrl-C before it could stop it) still holds the data and the port.
		if stopped, err := embeddedpg.StopStale(ctx, dir); err != nil {
			return err
		} else if stopped {
			logger.Info("stopped the PostgreSQL an earlier run left behind", "data", dir)
		}
		if err := wait(cfg.Ports.Postgres, "embedded PostgreSQL (catalog)", "DATABASE_URL"); err != nil {
			return err
		}
		progress(cfg, "starting PostgreSQL for catalog (the first start creates its database in %s)...", dir)
		srv, err := embeddedpg.Start(ctx, embeddedpg.Options{DataPath: dir, Port: uint32(cfg.Ports.Postgres), Logger: cfg.StoreLog})
		if err != nil {
			return fmt.Errorf("start the embedded PostgreSQL for catalog: %w", err)
		}
		s.closers = append(s.closers, srv.Stop)
		s.Stores.PostgresURL = srv.URL("postgres")
		s.Running = append(s.Running, Store{"catalog", "PostgreSQL", redact.URL(s.Stores.PostgresURL), "embedded, data in " + dir})
	}

	// orders: DynamoDB.
	if s.Stores.DynamoDBEndpoint != "" {
		s.Running = append(s.Running, Store{"orders", "DynamoDB", redact.URL(s.Stores.DynamoDBEndpoint), "external (DYNAMODB_ENDPOINT)"})
	} else {
		if err := s.startDynamoDB(ctx, cfg, wait); err != nil {
			return err
		}
	}

	// reviews: MongoDB.
	if s.Stores.MongoURI != "" {
		s.Running = append(s.Running, Store{"reviews", "MongoDB", redact.URL(s.Stores.MongoURI), "external (MONGODB_URI)"})
	} else {
		if err := wait(cfg.Ports.MongoDB, "embedded MongoDB (reviews)", "MONGODB_URI"); err != nil {
			return err
		}
		dir := filepath.Join(cfg.DataDir, "ferretdb")
		progress(cfg, "starting MongoDB for reviews (FerretDB on SQLite, in this process)...")
		srv, err := embeddedferret.Start(embeddedferret.Options{DataPath: dir, Port: cfg.Ports.MongoDB, Logger: ferretLogger(logger)})
		if err != nil {
			return fmt.Errorf("start the embedded MongoDB (FerretDB) for reviews: %w", err)
		}
		s.closers = append(s.closers, srv.Stop)
		s.Stores.MongoURI = srv.URI()
		s.Running = append(s.Running, Store{"reviews", "MongoDB", redact.URL(s.Stores.MongoURI), "embedded FerretDB, data in " + dir})
	}
	return nil
}

// startDynamoDB starts orders' DynamoDB: AWS's DynamoDB Local with its
// data in the data directory where Java 17+ and the npm package are found,
// else minidyn in memory; the banner says which and why.
func (s *System) startDynamoDB(ctx context.Context, cfg Config, wait func(port int, what, env string) error) error {
	in, err := dynamolocal.Find(ctx)
	if errors.Is(err, dynamolocal.ErrNoJava) || errors.Is(err, dynamolocal.ErrNoJar) {
		return s.startMinidyn(cfg, wait, strings.TrimPrefix(err.Error(), "dynamolocal: "))
	}
	if err != nil {
		return err
	}
	dir := filepath.Join(cfg.DataDir, DynamoDBDir)
	if _, err := dynamolocal.StopStale(ctx, dir); err != nil {
		return err
	}
	if err := wait(cfg.Ports.DynamoDB, "DynamoDB Local (orders)", "DYNAMODB_ENDPOINT"); err != nil {
		return err
	}
	progress(cfg, "starting DynamoDB Local for orders (Java, about 5 s)...")
	srv, err := in.Start(ctx, dynamolocal.Options{Port: cfg.Ports.DynamoDB, DBPath: dir, Log: cfg.DynamoDBLog})
	if err != nil {
		return fmt.Errorf("start DynamoDB Local for orders: %w", err)
	}
	s.closers = append(s.closers, srv.Stop)
	s.Stores.DynamoDBEndpoint = srv.URL()
	s.Running = append(s.Running, Store{"orders", "DynamoDB", srv.URL(), "DynamoDB Local, data in " + dir})
	return nil
}

// startMinidyn starts the in-memory minidyn for orders, saying why it is
// not DynamoDB Local.
func (s *System) startMinidyn(cfg Config, wait func(port int, what, env string) error, why string) error {
	if err := wait(cfg.Ports.DynamoDB, "embedded DynamoDB (orders)", "DYNAMODB_ENDPOINT"); err != nil {
		return err
	}
	progress(cfg, "starting minidyn for orders (in this process, in memory)...")
	srv, err := localdynamo.Start(loopback(cfg.Ports.DynamoDB))
	if err != nil {
		return fmt.Errorf("start the embedded DynamoDB (minidyn) for orders: %w", err)
	}
	s.closers = append(s.closers, srv.Close)
	s.Stores.DynamoDBEndpoint = srv.URL
	s.Running = append(s.Running, Store{"orders", "DynamoDB", srv.URL,
		"embedded minidyn, in memory: carts and orders are lost at exit (no DynamoDB Local: " + why + ")"})
	return nil
}

// ferretLogger keeps FerretDB's warnings and errors; it logs every
// connection at info level. It drops the warnings FerretDB logs for every
// command that fails (a dump of the response: a duplicate key the context
// answers with 409, the driver's endSessions at disconnect, which FerretDB
// v1 does not implement): the client gets that failure and handles it.
// Errors, such as a connection FerretDB closes, are kept.
func ferretLogger(l *slog.Logger) *slog.Logger {
	return slog.New(ferretHandler{l.Handler()}).With("store", "ferretdb")
}

type ferretHandler struct{ slog.Handler }

func (h ferretHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h ferretHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError && (strings.HasPrefix(r.Message, "Response header:") || strings.HasPrefix(r.Message, "Response message:")) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h ferretHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ferretHandler{h.Handler.WithAttrs(as)}
}

func (h ferretHandler) WithGroup(name string) slog.Handler {
	return ferretHandler{h.Handler.WithGroup(name)}
}

// loopback returns 127.0.0.1:port; port 0 picks a free one.
func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// Close stops the bus's deliveries (waiting for the handlers in flight),
// then closes every context, the bus and the embedded stores, in the
// reverse order of their start. It returns every error it met.
func (s *System) Close() error {
	if s.Bus != nil {
		s.Bus.Stop()
	}
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	s.closers = nil
	return errors.Join(errs...)
}

// correlated adds the correlation id a record's context carries (a
// request's, or that of the event a consumer handles) to every record that
// does not say it already, as correlation_id.
type correlated struct {
	slog.Handler
	has bool // an attribute added with WithAttrs says it
}

func (h correlated) Handle(ctx context.Context, r slog.Record) error {
	if id := event.CorrelationID(ctx); id != "" && !h.has {
		has := false
		r.Attrs(func(a slog.Attr) bool {
			has = a.Key == "correlation_id"
			return !has
		})
		if !has {
			r = r.Clone()
			r.AddAttrs(slog.String("correlation_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h correlated) WithAttrs(as []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range as {
		has = has || a.Key == "correlation_id"
	}
	return correlated{h.Handler.WithAttrs(as), has}
}

func (h correlated) WithGroup(name string) slog.Handler {
	return correlated{h.Handler.WithGroup(name), h.has}
}
