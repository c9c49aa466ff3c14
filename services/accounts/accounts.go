// Package accounts is the public face of the accounts context: its HTTP
// contract and the one way to assemble it. The Lambda entry point, the
// migrate command and the local system (infra/local) all build the context
// through New, so they run the same code.
//
// The domain itself lives in internal/accounts; nothing outside this module
// can import it.
package accounts

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"example.com/quartet/packages/mysqlx"
	domain "example.com/quartet/services/accounts/internal/accounts"
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
// previous keys that still verify. In AWS it reads them from Secrets
// Manager; locally KeysInDir generates one once.
type KeySource interface {
	SigningKeys(ctx context.Context) ([]ed25519.PrivateKey, error)
}

// KeysFromPEM is a KeySource of PKCS #8 Ed25519 "PRIVATE KEY" PEM blocks,
// current key first.
func KeysFromPEM(pem []byte) KeySource { return token.PEM(pem) }

// KeysInDir is the local KeySource: a key generated on first use and kept
// in dir (mode 0600), so tokens survive restarts.
func KeysInDir(dir string) KeySource { return token.Dir(dir) }

// Config is everything the context needs to run.
type Config struct {
	// DatabaseURL is a go-sql-driver DSN (user:pass@tcp(host:3306)/db) or a
	// mysql:// URL. TLS is required for PlanetScale hosts.
	DatabaseURL string
	// Issuer is the tokens' "iss": the URL under which
	// /.well-known/openid-configuration is served.
	Issuer string
	// Audience is the tokens' "aud", the audience API Gateway's JWT
	// authorizer accepts.
	Audience string
	// Keys supplies the signing keys.
	Keys KeySource
}

// LogValue keeps the database password out of logs.
func (c Config) LogValue() slog.Value {
	dsn := "(unparsable)"
	if cfg, err := mysqlx.ParseDSN(c.DatabaseURL); err == nil {
		if cfg.Passwd != "" {
			cfg.Passwd = "xxxxx"
		}
		cfg.TLS = nil // FormatDSN keeps the tls parameter's name
		dsn = cfg.FormatDSN()
	}
	return slog.GroupValue(slog.String("database", dsn), slog.String("issuer", c.Issuer), slog.String("audience", c.Audience))
}

// ConfigFromEnv reads the configuration from the environment:
// DATABASE_URL, TOKEN_ISSUER, TOKEN_AUDIENCE, and either SIGNING_KEYS (PEM
// blocks, current key first; how the key reaches Lambda until the Secrets
// Manager source is wired) or SIGNING_KEY_DIR (local).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Issuer:      getenv("TOKEN_ISSUER"),
		Audience:    getenv("TOKEN_AUDIENCE"),
	}
	var missing []error
	for name, v := range map[string]string{"DATABASE_URL": cfg.DatabaseURL, "TOKEN_ISSUER": cfg.Issuer, "TOKEN_AUDIENCE": cfg.Audience} {
		if v == "" {
			missing = append(missing, fmt.Errorf("%s is not set", name))
		}
	}
	switch pem, dir := getenv("SIGNING_KEYS"), getenv("SIGNING_KEY_DIR"); {
	case pem != "" && dir != "":
		missing = append(missing, errors.New("set one of SIGNING_KEYS and SIGNING_KEY_DIR, not both"))
	case pem != "":
		cfg.Keys = KeysFromPEM([]byte(pem))
	case dir != "":
		cfg.Keys = KeysInDir(dir)
	default:
		missing = append(missing, errors.New("SIGNING_KEYS or SIGNING_KEY_DIR is not set"))
	}
	if err := errors.Join(missing...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// App is an assembled accounts context.
type App struct {
	db      *sql.DB
	service *domain.Service
	handler http.Handler
}

// New opens the database pool, loads the signing keys and assembles the
// context. It does not migrate: that is an explicit step (Migrate), never
// part of a cold start.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.Keys == nil {
		return nil, errors.New("accounts: no signing key source")
	}
	keys, err := cfg.Keys.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts signing keys: %w", err)
	}
	keySet, err := token.NewKeySet(keys...)
	if err != nil {
		return nil, err
	}
	db, err := mysqlx.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("accounts database: %w", err)
	}
	service := domain.NewService(mysql.NewStore(db), password.Hasher{Params: password.DefaultParams})
	issuer := token.Issuer{Issuer: cfg.Issuer, Audience: cfg.Audience, Keys: keySet}
	return &App{db: db, service: service, handler: httpapi.New(service, issuer, logger)}, nil
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate brings the database schema up to date.
func (a *App) Migrate(ctx context.Context) error { return mysql.Migrate(ctx, a.db) }

// The demo accounts Seed creates, for local development and demos only.
const (
	DemoAdminEmail       = "admin@quartet.example"
	DemoAdminPassword    = "quartet-admin-demo"
	DemoCustomerEmail    = "customer@quartet.example"
	DemoCustomerPassword = "quartet-customer-demo"
)

// Seed creates the demo administrator (roles admin and customer) and the
// demo customer with the Demo* credentials; running it again adds nothing.
// Never seed a stage reachable from the internet.
func (a *App) Seed(ctx context.Context) error {
	for _, demo := range []struct {
		n     domain.NewCustomer
		roles []domain.Role
	}{
		{domain.NewCustomer{Email: DemoAdminEmail, DisplayName: "Demo Admin", Password: DemoAdminPassword},
			[]domain.Role{domain.RoleAdmin, domain.RoleCustomer}},
		{domain.NewCustomer{Email: DemoCustomerEmail, DisplayName: "Demo Customer", Password: DemoCustomerPassword},
			[]domain.Role{domain.RoleCustomer}},
	} {
		if _, err := a.service.CreateAccount(ctx, demo.n, demo.roles...); err != nil && !errors.Is(err, domain.ErrDuplicateEmail) {
			return fmt.Errorf("seed %s: %w", demo.n.Email, err)
		}
	}
	return nil
}

// Close releases the database connections.
func (a *App) Close() { a.db.Close() }
