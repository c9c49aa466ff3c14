package accounts_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/benchratio"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/accounts"
)

// newApp assembles the context on a fresh database, migrated and seeded.
func newApp(tb testing.TB, dsn string) *accounts.App {
	tb.Helper()
	cfg := accounts.Config{
		DatabaseURL: dsn, Issuer: "https://accounts.example.test", Audience: "quartet",
		Keys: accounts.KeysInDir(tb.TempDir()),
	}
	app, err := accounts.New(tb.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(app.Close)
	if err := app.Migrate(tb.Context()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	for range 2 { // seeding is idempotent
		if err := app.Seed(tb.Context()); err != nil {
			tb.Fatalf("Seed: %v", err)
		}
	}
	return app
}

// TestApp signs the demo administrator in through the assembled handler,
// on the embedded MySQL server.
func TestApp(t *testing.T) {
	app := newApp(t, mysqltest.Embedded(t))
	api := apitest.New(t, accounts.OpenAPI, app.Handler())
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/sessions",
		Body: `{"email":"` + accounts.DemoAdminEmail + `","password":"` + accounts.DemoAdminPassword + `"}`})
	if res.Status != http.StatusOK {
		t.Fatalf("demo admin sign-in: status %d; body: %s", res.Status, res.Body)
	}
	var s struct{ AccessToken string }
	res.JSON(t, &s)
	claims := claimsOf(t, s.AccessToken)
	if claims.Roles != "[admin customer]" {
		t.Errorf("demo admin roles %q, want [admin customer]", claims.Roles)
	}
	if claims.Sub != accounts.DemoAdminID {
		t.Errorf("demo admin id %q, want the fixed %s", claims.Sub, accounts.DemoAdminID)
	}
	me := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/me", Claims: apitest.Caller(claims.Sub, "admin", "customer")})
	if me.Status != http.StatusOK || !strings.Contains(string(me.Body), accounts.DemoAdminEmail) {
		t.Errorf("GET /v1/me: %d %s", me.Status, me.Body)
	}
}

type flatClaims struct{ Sub, Roles string }

// claimsOf reads a token's claims without verifying it (the token package's
// tests verify), flattened as API Gateway passes them.
func claimsOf(t testing.TB, token string) flatClaims {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWS", token)
	}
	var c struct {
		Sub   string   `json:"sub"`
		Roles []string `json:"roles"`
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return flatClaims{Sub: c.Sub, Roles: "[" + strings.Join(c.Roles, " ") + "]"}
}

// BenchmarkGetMe compares GET /v1/me through the whole Lambda path (the
// API Gateway v2 event's JSON decoded, adapter, middleware, handler,
// service, store, the response encoded) with the raw driver call doing the
// same store work: the store's SELECT by id of the same columns, scanned
// into the same types, through a pool with the store's settings. It runs on
// MariaDB when TEST_MYSQL_URL is set and on the embedded server otherwise.
func BenchmarkGetMe(b *testing.B) {
	dsn := ""
	if os.Getenv(mysqltest.EnvDSN) != "" {
		dsn = mysqltest.External(b)
	} else {
		dsn = mysqltest.Embedded(b)
	}
	app := newApp(b, dsn)
	ctx := context.Background()

	db, err := mysqlx.Open(dsn) // the pool settings the store uses
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var id string
	if err := db.QueryRowContext(ctx, "SELECT id FROM customers WHERE email_key = ?", accounts.DemoCustomerEmail).Scan(&id); err != nil {
		b.Fatal(err)
	}

	invoke := lambdahttp.Adapt(app.Handler())
	event := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "GET /v1/me", RawPath: "/v1/me",
		Headers: map[string]string{"host": "api.example.test"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "GET /v1/me", RequestID: "bench", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/me", Protocol: "HTTP/1.1"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": id, "roles": "[customer]"},
				},
			},
		},
	}
	eventJSON, err := json.Marshal(event)
	if err != nil {
		b.Fatal(err)
	}
	benchratio.Run(b,
		benchratio.Case{Name: "raw", Op: func() error {
			const q = `SELECT id, email, display_name, password_hash, roles, version, failed_sign_ins,
				locked_until, created_at, updated_at FROM customers WHERE id = ?`
			var (
				gotID, email, name, hash, roles string
				version, failures               int
				locked                          sql.NullTime
				created, updated                time.Time
			)
			return db.QueryRowContext(ctx, q, id).Scan(&gotID, &email, &name, &hash, &roles, &version, &failures,
				&locked, &created, &updated)
		}},
		benchratio.Case{Name: "full", Op: func() error {
			var event events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(eventJSON, &event); err != nil {
				return err
			}
			res, err := invoke(ctx, event)
			if err == nil && res.StatusCode != http.StatusOK {
				err = errStatus(res.StatusCode)
			}
			if err == nil {
				_, err = json.Marshal(res)
			}
			return err
		}},
	)
}

type errStatus int

func (e errStatus) Error() string { return "status " + http.StatusText(int(e)) }
