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
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"example.com/quartet/packages/budget"
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
}

// ConfigFromEnv reads the configuration from the environment: exactly one
// of MONGODB_URI (the URI) and MONGODB_URI_SECRET (the Secrets Manager
// secret holding it: AWS), MONGODB_DATABASE (default "reviews") and
// REQUEST_BUDGET (a duration, budget.Default when unset). With
// MONGODB_URI_SECRET the caller sets Config.ReadSecret.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{MongoURI: getenv("MONGODB_URI"), MongoURISecret: getenv("MONGODB_URI_SECRET"), Database: getenv("MONGODB_DATABASE")}
	switch {
	case cfg.MongoURI == "" && cfg.MongoURISecret == "":
		return Config{}, errors.New("neither MONGODB_URI nor MONGODB_URI_SECRET is set; set one")
	case cfg.MongoURI != "" && cfg.MongoURISecret != "":
		return Config{}, errors.New("MONGODB_URI and MONGODB_URI_SECRET are both set; set only one")
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
	uri := "(unparsable)"
	if u, err := url.Parse(c.MongoURI); err == nil {
		uri = u.Redacted()
	}
	if c.MongoURISecret != "" {
		return slog.GroupValue(slog.String("mongo_uri_secret", c.MongoURISecret), slog.String("database", c.Database))
	}
	return slog.GroupValue(slog.String("mongo_uri", uri), slog.String("database", c.Database))
}

// Drift is what App.Recompute found: summaries and helpful counts that
// differ from the reviews and votes they count.
type Drift = mongostore.Drift

// App is an assembled reviews context.
type App struct {
	client  *mongo.Client
	db      *mongo.Database
	store   *mongostore.Store
	handler http.Handler
}

// New connects to MongoDB and assembles the context. It fails within
// seconds when the server is unreachable. It does not create indexes: that
// is an explicit step (Migrate), never part of a cold start.
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
	store := mongostore.NewStore(db, mongostore.Options{SerializeUpdates: ferret})
	return &App{
		client:  client,
		db:      db,
		store:   store,
		handler: budget.Handler(cfg.RequestBudget, httpapi.New(domain.NewService(store), logger)),
	}, nil
}

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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = a.client.Disconnect(ctx)
}
