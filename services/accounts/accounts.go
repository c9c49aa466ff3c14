// Package accounts is the public face of the accounts context: its HTTP
// contract and the one way to assemble it. The Lambda entry point, the
// migrate command and the local system (infra/local) all build the context
// through New, so they run the same code.
//
// The domain itself lives in internal/accounts; nothing outside this module
// can import it.
//
// In AWS the signing keys and the database DSN may come from AWS Secrets
// Manager (SIGNING_KEYS_SECRET, DATABASE_URL_SECRET): New reads them once,
// before the first request, through the SecretsGetter that main builds
// (Config.Secrets). Rotating either takes a new secret version and a new
// execution environment (a deployment, or waiting for the old ones to be
// recycled).
package accounts

import (
	"context"
	"crypto/rsa"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/uuid"

	"example.com/quartet/packages/budget"
	"example.com/quartet/packages/mysqlx"
	domain "example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/awssecrets"
	"example.com/quartet/services/accounts/internal/httpapi"
	"example.com/quartet/services/accounts/internal/mysql"
	"example.com/quartet/services/accounts/internal/password"
	"example.com/quartet/services/accounts/internal/token"
)

// OpenAPI is the context's HTTP contract, services/accounts/openapi.yaml:
// the source of the API Gateway routes in AWS and of the local gateway's
// routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// KeySource supplies the token signing keys, current key first, then the
// previous keys that still verify. In AWS KeysFromSecret reads them from
// Secrets Manager; locally KeysInDir generates one once.
type KeySource interface {
	SigningKeys(ctx context.Context) ([]*rsa.PrivateKey, error)
}

// KeysFromPEM is a KeySource of RSA private keys in PEM blocks (PKCS #8
// "PRIVATE KEY" or PKCS #1 "RSA PRIVATE KEY", at least 2048 bits), current
// key first. An Ed25519 key, from before tokens were RS256, is refused with
// an error that says so.
func KeysFromPEM(pem []byte) KeySource { return token.PEM(pem) }

// KeysInDir is the local KeySource: an RSA key generated on first use and
// kept in dir (mode 0600), so tokens survive restarts. An Ed25519 key an
// earlier make dev left there is moved aside and replaced.
func KeysInDir(dir string) KeySource { return token.Dir(dir) }

// SecretsGetter reads a secret's value: the one AWS Secrets Manager call
// the context makes. *secretsmanager.Client implements it; main builds the
// client (region and credentials from the environment) before lambda.Start.
type SecretsGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// ErrSecretNotFound means a secret named in the configuration does not
// exist (Secrets Manager's ResourceNotFoundException).
var ErrSecretNotFound = awssecrets.ErrNotFound

// KeysFromSecret is the KeySource of AWS: the current version (AWSCURRENT)
// of the Secrets Manager secret id (an ARN or a name), whose SecretString
// holds RSA private keys in PEM blocks, current key first, as
// KeysFromPEM reads them. Rotating is putting new versions: the new key
// published second, then first, then the old key dropped (README.md,
// Tokens). Binary secrets are refused. SigningKeys returns an error wrapping
// ErrSecretNotFound if the secret does not exist.
func KeysFromSecret(client SecretsGetter, id string) KeySource { return secretKeys{client, id} }

type secretKeys struct {
	client SecretsGetter
	id     string
}

func (s secretKeys) SigningKeys(ctx context.Context) ([]*rsa.PrivateKey, error) {
	pem, err := awssecrets.String(ctx, s.client, s.id)
	if err != nil {
		return nil, err
	}
	keys, err := token.ParsePEM([]byte(pem))
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", s.id, err)
	}
	return keys, nil
}

// Config is everything the context needs to run.
type Config struct {
	// DatabaseURL is a go-sql-driver DSN (user:pass@tcp(host:3306)/db) or a
	// mysql:// URL. TLS is required for PlanetScale hosts.
	DatabaseURL string
	// DatabaseURLSecret, instead of DatabaseURL, is the ARN or name of a
	// Secrets Manager secret whose SecretString is the DSN, as cmd/pscale
	// stores it. New reads it once, through Secrets.
	DatabaseURLSecret string
	// Issuer is the tokens' "iss": the URL under which
	// /.well-known/openid-configuration is served.
	Issuer string
	// Audience is the tokens' "aud", the audience API Gateway's JWT
	// authorizer accepts.
	Audience string
	// Keys supplies the signing keys.
	Keys KeySource
	// SigningKeysSecret, instead of Keys, is the ARN or name of the Secrets
	// Manager secret of the signing keys; New reads it once, through
	// Secrets (see KeysFromSecret).
	SigningKeysSecret string
	// Secrets reads the secrets named by DatabaseURLSecret and
	// SigningKeysSecret; it must be set when either is (see NeedsSecrets).
	Secrets SecretsGetter
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
}

// NeedsSecrets reports whether the configuration names a Secrets Manager
// secret, so that main must build a client for Secrets.
func (c Config) NeedsSecrets() bool { return c.DatabaseURLSecret != "" || c.SigningKeysSecret != "" }

// LogValue keeps the database password out of logs. Secrets are logged by
// name only.
func (c Config) LogValue() slog.Value {
	var attrs []slog.Attr
	if c.DatabaseURL != "" {
		attrs = append(attrs, slog.String("database", mysqlx.Redacted(c.DatabaseURL)))
	}
	if c.DatabaseURLSecret != "" {
		attrs = append(attrs, slog.String("database_secret", c.DatabaseURLSecret))
	}
	if c.SigningKeysSecret != "" {
		attrs = append(attrs, slog.String("signing_keys_secret", c.SigningKeysSecret))
	}
	attrs = append(attrs, slog.String("issuer", c.Issuer), slog.String("audience", c.Audience))
	return slog.GroupValue(attrs...)
}

// ConfigFromEnv reads the configuration from the environment; it reads no
// secret itself (New does):
//
//   - the database: DATABASE_URL (a DSN) or DATABASE_URL_SECRET (the ARN or
//     name of the Secrets Manager secret holding it), exactly one;
//   - TOKEN_ISSUER and TOKEN_AUDIENCE;
//   - the signing keys, exactly one of SIGNING_KEYS_SECRET (the ARN or name
//     of the Secrets Manager secret holding the PEM blocks: AWS),
//     SIGNING_KEYS (the PEM blocks themselves, current key first) and
//     SIGNING_KEY_DIR (a key generated once into that directory: local);
//   - REQUEST_BUDGET, a duration (budget.Default when unset).
//
// With a *_SECRET variable the caller sets Config.Secrets (NeedsSecrets).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		DatabaseURL:       getenv("DATABASE_URL"),
		DatabaseURLSecret: getenv("DATABASE_URL_SECRET"),
		Issuer:            getenv("TOKEN_ISSUER"),
		Audience:          getenv("TOKEN_AUDIENCE"),
	}
	var problems []error
	for _, v := range []struct{ name, value string }{{"TOKEN_ISSUER", cfg.Issuer}, {"TOKEN_AUDIENCE", cfg.Audience}} {
		if v.value == "" {
			problems = append(problems, fmt.Errorf("%s is not set", v.name))
		}
	}
	if err := exactlyOne(getenv, "DATABASE_URL", "DATABASE_URL_SECRET"); err != nil {
		problems = append(problems, err)
	}
	if err := exactlyOne(getenv, "SIGNING_KEYS_SECRET", "SIGNING_KEYS", "SIGNING_KEY_DIR"); err != nil {
		problems = append(problems, err)
	} else if id := getenv("SIGNING_KEYS_SECRET"); id != "" {
		cfg.SigningKeysSecret = id
	} else if pem := getenv("SIGNING_KEYS"); pem != "" {
		cfg.Keys = KeysFromPEM([]byte(pem))
	} else {
		cfg.Keys = KeysInDir(getenv("SIGNING_KEY_DIR"))
	}
	if d, err := budget.FromEnv(getenv); err != nil {
		problems = append(problems, err)
	} else {
		cfg.RequestBudget = d
	}
	if err := errors.Join(problems...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// exactlyOne checks that exactly one of the variables names is set.
func exactlyOne(getenv func(string) string, names ...string) error {
	var set []string
	for _, n := range names {
		if getenv(n) != "" {
			set = append(set, n)
		}
	}
	switch {
	case len(set) == 0:
		return fmt.Errorf("none of %s is set; set one", strings.Join(names, ", "))
	case len(set) > 1:
		return fmt.Errorf("%s are all set; set only one of %s", strings.Join(set, " and "), strings.Join(names, ", "))
	}
	return nil
}

// App is an assembled accounts context.
type App struct {
	db      *sql.DB
	service *domain.Service
	handler http.Handler
}

// New reads the secrets the configuration names, loads the signing keys,
// opens the database pool and assembles the context: once, before the
// first request. It does not migrate: that is an explicit step (Migrate),
// never part of a cold start.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.NeedsSecrets() && cfg.Secrets == nil {
		return nil, errors.New("accounts: the configuration names a secret but Config.Secrets is nil")
	}
	source := cfg.Keys
	switch {
	case source != nil && cfg.SigningKeysSecret != "":
		return nil, errors.New("accounts: set Keys or SigningKeysSecret, not both")
	case cfg.SigningKeysSecret != "":
		source = KeysFromSecret(cfg.Secrets, cfg.SigningKeysSecret)
	case source == nil:
		return nil, errors.New("accounts: no signing key source")
	}
	keys, err := source.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts signing keys: %w", err)
	}
	keySet, err := token.NewKeySet(keys...)
	if err != nil {
		return nil, err
	}
	dsn := cfg.DatabaseURL
	if cfg.DatabaseURLSecret != "" {
		if dsn != "" {
			return nil, errors.New("accounts: set DatabaseURL or DatabaseURLSecret, not both")
		}
		if dsn, err = awssecrets.String(ctx, cfg.Secrets, cfg.DatabaseURLSecret); err != nil {
			return nil, fmt.Errorf("accounts database: %w", err)
		}
	}
	db, err := mysqlx.Open(dsn)
	if err != nil {
		return nil, fmt.Errorf("accounts database: %w", err)
	}
	service := domain.NewService(mysql.NewStore(db), password.Hasher{Params: password.DefaultParams})
	issuer := token.Issuer{Issuer: cfg.Issuer, Audience: cfg.Audience, Keys: keySet}
	return &App{db: db, service: service, handler: budget.Handler(cfg.RequestBudget, httpapi.New(service, issuer, logger))}, nil
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate brings the database schema up to date.
func (a *App) Migrate(ctx context.Context) error { return mysql.Migrate(ctx, a.db) }

// The demo accounts Seed creates, for local development and demos only.
// Their ids are fixed, so that what other contexts keep about them (carts,
// orders, reviews) stays theirs whatever happens to the accounts store.
const (
	DemoAdminID          = "019a0000-0000-7000-8000-00000000ad01"
	DemoCustomerID       = "019a0000-0000-7000-8000-00000000c001"
	DemoAdminEmail       = "admin@quartet.example"
	DemoAdminPassword    = "quartet-admin-demo"
	DemoCustomerEmail    = "customer@quartet.example"
	DemoCustomerPassword = "quartet-customer-demo"
)

// Seed creates the demo administrator (roles admin and customer) and the
// demo customer with the Demo* ids and credentials; running it again adds
// nothing.
// Never seed a stage reachable from the internet.
func (a *App) Seed(ctx context.Context) error {
	for _, demo := range []struct {
		id    string
		n     domain.NewCustomer
		roles []domain.Role
	}{
		{DemoAdminID, domain.NewCustomer{Email: DemoAdminEmail, DisplayName: "Demo Admin", Password: DemoAdminPassword},
			[]domain.Role{domain.RoleAdmin, domain.RoleCustomer}},
		{DemoCustomerID, domain.NewCustomer{Email: DemoCustomerEmail, DisplayName: "Demo Customer", Password: DemoCustomerPassword},
			[]domain.Role{domain.RoleCustomer}},
	} {
		id := uuid.MustParse(demo.id)
		if _, err := a.service.CreateAccountWithID(ctx, id, demo.n, demo.roles...); err != nil && !errors.Is(err, domain.ErrDuplicateEmail) {
			return fmt.Errorf("seed %s: %w", demo.n.Email, err)
		}
	}
	return nil
}

// Close releases the database connections.
func (a *App) Close() { a.db.Close() }
