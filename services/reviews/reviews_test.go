package reviews_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/benchratio"
	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/reviews"
)

const product = "0190a000-0000-7000-8000-0000000000bb"

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// startApp assembles the context on a fresh embedded FerretDB, as make dev
// does, with its indexes created.
func startApp(tb testing.TB) (*reviews.App, *embeddedferret.Server) {
	tb.Helper()
	srv, err := embeddedferret.Start(embeddedferret.Options{DataPath: tb.TempDir()})
	if err != nil {
		tb.Fatalf("start FerretDB: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			tb.Errorf("stop FerretDB: %v", err)
		}
	})
	ctx := context.Background()
	app, err := reviews.New(ctx, reviews.Config{MongoURI: srv.URI(), Database: "reviews"}, discard)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(app.Close)
	if err := app.Migrate(ctx); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	knowProduct(tb, app, product)
	return app, srv
}

// knowProduct hands the app's consumer catalog's ProductCreated of
// productID, as the bus would.
func knowProduct(tb testing.TB, app *reviews.App, productID string) {
	tb.Helper()
	e, err := event.New(context.Background(), "catalog", "ProductCreated", productID, 1, map[string]any{
		"productId": productID, "name": "Travel mug", "price": map[string]any{"amount": "24.90", "currency": "EUR"},
		"status": "active", "version": 1,
	}, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	if err := app.Subscription().Handle(context.Background(), e); err != nil {
		tb.Fatalf("handle ProductCreated: %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"MONGODB_URI": "mongodb://u:secret@db.example:27017/"}
	cfg, err := reviews.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database != reviews.DefaultDatabase {
		t.Errorf("Database = %q, want the default %q", cfg.Database, reviews.DefaultDatabase)
	}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("config", "config", cfg)
	if strings.Contains(log.String(), "secret") {
		t.Errorf("logged configuration shows the password: %s", log.String())
	}
	if _, err := reviews.ConfigFromEnv(func(string) string { return "" }); err == nil {
		t.Error("ConfigFromEnv without MONGODB_URI succeeded")
	}
}

func TestNewFailsFastWhenUnreachable(t *testing.T) {
	start := time.Now()
	_, err := reviews.New(context.Background(), reviews.Config{MongoURI: "mongodb://127.0.0.1:1/"}, discard)
	if err == nil {
		t.Fatal("New with an unreachable server succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("New took %v to fail, want a few seconds", d)
	}
}

// TestAcceptanceOnFerretDB runs the acceptance scenario on the
// embedded FerretDB through the Lambda adapter: two customers review a
// product, vote each other's review helpful, edit and delete; the summary
// is exact after each step and the recount finds no drift.
func TestAcceptanceOnFerretDB(t *testing.T) {
	app, _ := startApp(t)
	api := apitest.New(t, reviews.OpenAPI, app.Handler())
	alice := apitest.Claims{"sub": "alice", "roles": "[customer]", "name": "Alice"}
	bob := apitest.Claims{"sub": "bob", "roles": "[customer]", "name": "Bob"}

	step := func(name string, req apitest.Request, status int, count int, hist string) string {
		t.Helper()
		res := api.Do(t, req)
		if res.Status != status {
			t.Fatalf("%s: status %d, want %d; body %s", name, res.Status, status, res.Body)
		}
		rating := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + product + "/rating"})
		var got struct {
			Count     int            `json:"count"`
			Histogram map[string]int `json:"histogram"`
		}
		rating.JSON(t, &got)
		if h := fmt.Sprint(got.Histogram["1"], got.Histogram["2"], got.Histogram["3"], got.Histogram["4"], got.Histogram["5"]); got.Count != count || h != hist {
			t.Errorf("after %s: count %d histogram %s, want %d and %s", name, got.Count, h, count, hist)
		}
		drift, err := app.Recompute(context.Background(), false)
		if err != nil || !drift.None() {
			t.Errorf("after %s: Recompute = %+v, %v; want no drift", name, drift, err)
		}
		var body struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(res.Body, &body)
		return body.ID
	}
	reviewsPath := "/v1/products/" + product + "/reviews"
	a := step("alice reviews", apitest.Request{Method: "POST", Path: reviewsPath, Body: `{"rating":5,"title":"Great"}`, Claims: alice}, 201, 1, "0 0 0 0 1")
	b := step("bob reviews", apitest.Request{Method: "POST", Path: reviewsPath, Body: `{"rating":2,"title":"Meh"}`, Claims: bob}, 201, 2, "0 1 0 0 1")
	step("alice reviews again", apitest.Request{Method: "POST", Path: reviewsPath, Body: `{"rating":1,"title":"x"}`, Claims: alice}, 409, 2, "0 1 0 0 1")
	step("alice votes", apitest.Request{Method: "POST", Path: "/v1/reviews/" + b + "/helpful", Claims: alice}, 200, 2, "0 1 0 0 1")
	step("bob votes", apitest.Request{Method: "POST", Path: "/v1/reviews/" + a + "/helpful", Claims: bob}, 200, 2, "0 1 0 0 1")
	step("bob votes twice", apitest.Request{Method: "POST", Path: "/v1/reviews/" + a + "/helpful", Claims: bob}, 409, 2, "0 1 0 0 1")
	step("bob edits", apitest.Request{Method: "PATCH", Path: "/v1/reviews/" + b, Header: map[string]string{"If-Match": `"1"`}, Body: `{"rating":4}`, Claims: bob}, 200, 2, "0 0 0 1 1")
	step("alice deletes", apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + a, Claims: alice}, 204, 1, "0 0 0 1 0")
	step("admin deletes", apitest.Request{Method: "DELETE", Path: "/v1/reviews/" + b, Claims: apitest.Admin}, 204, 0, "0 0 0 0 0")
}

// BenchmarkGetRating compares GET /v1/products/{id}/rating through the
// whole Lambda path (the API Gateway event's JSON decoded, adapter,
// middleware, handler, service, store, driver, the response encoded) with
// the raw driver call doing the same store work: the store's FindOne of the
// summary by id, decoded into a struct of the same fields, through a client
// with the store's settings (pool of 4, 5 s operation timeout). Both run on
// embedded FerretDB.
func BenchmarkGetRating(b *testing.B) {
	app, srv := startApp(b)
	ctx := context.Background()
	invoke := lambdahttp.Adapt(app.Handler())
	for i, stars := range []int{5, 4, 4} {
		res, err := invoke(ctx, events.APIGatewayV2HTTPRequest{
			RouteKey: "POST /v1/products/{id}/reviews", RawPath: "/v1/products/" + product + "/reviews",
			Headers:        map[string]string{"content-type": "application/json"},
			PathParameters: map[string]string{"id": product},
			Body:           fmt.Sprintf(`{"rating":%d,"title":"t"}`, stars),
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/v1/products/" + product + "/reviews"},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": fmt.Sprint("c", i), "roles": "[customer]"}}},
			},
		})
		if err != nil || res.StatusCode != http.StatusCreated {
			b.Fatalf("create review: %d %v %s", res.StatusCode, err, res.Body)
		}
	}

	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()).SetMaxPoolSize(4).SetTimeout(5 * time.Second))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Disconnect(ctx) })
	summaries := client.Database("reviews").Collection("summaries")
	get := events.APIGatewayV2HTTPRequest{
		RouteKey: "GET /v1/products/{id}/rating", RawPath: "/v1/products/" + product + "/rating",
		PathParameters: map[string]string{"id": product},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/products/" + product + "/rating"},
		},
	}
	getJSON, err := json.Marshal(get)
	if err != nil {
		b.Fatal(err)
	}
	benchratio.Run(b,
		benchratio.Case{Name: "raw", Op: func() error {
			var doc struct {
				ID                 string `bson:"_id"`
				R1, R2, R3, R4, R5 int
			}
			return summaries.FindOne(ctx, bson.D{{Key: "_id", Value: product}}).Decode(&doc)
		}},
		benchratio.Case{Name: "full", Op: func() error {
			var event events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(getJSON, &event); err != nil {
				return err
			}
			res, err := invoke(ctx, event)
			if err == nil && res.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d: %s", res.StatusCode, res.Body)
			}
			if err == nil {
				_, err = json.Marshal(res)
			}
			return err
		}},
	)
}

func TestConfigFromEnvSecret(t *testing.T) {
	env := map[string]string{"MONGODB_URI_SECRET": "quartet/dev/reviews/mongodb-uri"}
	cfg, err := reviews.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.MongoURISecret != env["MONGODB_URI_SECRET"] || cfg.MongoURI != "" {
		t.Errorf("ConfigFromEnv = %+v, %v; want the secret's name", cfg, err)
	}
	if got := fmt.Sprint(cfg.LogValue()); !strings.Contains(got, "quartet/dev/reviews/mongodb-uri") {
		t.Errorf("LogValue %s does not name the secret", got)
	}
	env["MONGODB_URI"] = "mongodb://db.example/"
	if _, err := reviews.ConfigFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("ConfigFromEnv with both MONGODB_URI and MONGODB_URI_SECRET succeeded")
	}
}

// New reads the secret before it connects, and fails on a secret it cannot read.
func TestNewReadsTheSecretOnce(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	cfg := reviews.Config{MongoURISecret: "quartet/dev/reviews/mongodb-uri"}
	if _, err := reviews.New(t.Context(), cfg, logger); err == nil || !strings.Contains(err.Error(), "ReadSecret") {
		t.Errorf("New without ReadSecret: %v", err)
	}
	var reads []string
	denied := errors.New("AccessDeniedException")
	cfg.ReadSecret = func(_ context.Context, id string) (string, error) {
		reads = append(reads, id)
		return "", denied
	}
	if _, err := reviews.New(t.Context(), cfg, logger); !errors.Is(err, denied) {
		t.Errorf("New with an unreadable secret: %v, want %v", err, denied)
	}
	if len(reads) != 1 || reads[0] != cfg.MongoURISecret {
		t.Errorf("secrets read: %v", reads)
	}
}
