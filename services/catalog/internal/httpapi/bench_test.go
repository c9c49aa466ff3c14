package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/benchratio"
	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/postgres"
)

// BenchmarkGetProduct measures what the API adds to reading one product
// from PostgreSQL, by doing the read three ways, each adding layers to the
// one before:
//
//   - raw: a pgx primary-key lookup scanned into a struct, the floor;
//   - direct: GET /v1/products/{id} through the handler's ServeHTTP, so
//     routing, service, store, logging and JSON encoding;
//   - full: the Lambda path, from the JSON bytes of an API Gateway v2 event
//     through json.Unmarshal, lambdahttp.Adapt and the handler to the
//     response marshalled to JSON.
//
// The table's full row shows full/raw (goal: at most 1.5) and, as its cost
// over direct, what the Lambda adapter adds per request.
//
// It runs on the server at $TEST_POSTGRES_URL if set, else on embedded
// PostgreSQL.
func BenchmarkGetProduct(b *testing.B) {
	ctx := b.Context()
	url := pgtest.Embedded
	if os.Getenv(pgtest.EnvURL) != "" {
		url = pgtest.External
	}
	pool, err := postgres.NewPool(ctx, url(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	store := postgres.NewStore(pool)
	if err := store.CreateCategory(ctx, catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		b.Fatal(err)
	}
	svc := catalog.NewService(store)
	p, err := svc.CreateProduct(ctx, catalog.NewProduct{
		SKU: "MUG-1", Name: "Enamel mug", Description: "A mug of white enamel with a blue rim; holds 350 ml.",
		Price: catalog.Money{Amount: 1299, Currency: "EUR"}, Category: "kitchen", Stock: 40,
	})
	if err != nil {
		b.Fatal(err)
	}
	h := httpapi.New(svc, slog.New(slog.DiscardHandler))
	invoke := lambdahttp.Adapt(h)
	event, err := json.Marshal(getProductEvent(p.ID))
	if err != nil {
		b.Fatal(err)
	}

	benchratio.Run(b,
		benchratio.Case{Name: "raw", Op: func() error {
			const q = `SELECT id, sku, name, description, price_amount, price_currency,
				category, stock, status, version, created_at, updated_at
				FROM products WHERE id = $1`
			var r productRow
			return pool.QueryRow(ctx, q, p.ID).Scan(&r.ID, &r.SKU, &r.Name, &r.Description, &r.PriceAmount,
				&r.PriceCurrency, &r.Category, &r.Stock, &r.Status, &r.Version, &r.CreatedAt, &r.UpdatedAt)
		}},
		benchratio.Case{Name: "direct", Op: func() error {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1/products/"+p.ID, nil))
			return checkStatus(w.Code)
		}},
		benchratio.Case{Name: "full", Op: func() error {
			return invokeJSON(ctx, invoke, event)
		}},
	)
}

// productRow is what the raw case scans a product into.
type productRow struct {
	ID, SKU, Name, Description string
	PriceAmount                int64
	PriceCurrency              string
	Category                   string
	Stock                      int
	Status                     string
	Version                    int
	CreatedAt, UpdatedAt       time.Time
}

// invokeJSON does what the Lambda runtime does with one invocation: decode
// the event, call the handler, encode its response.
func invokeJSON(ctx context.Context, invoke lambdahttp.Func, event []byte) error {
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &req); err != nil {
		return err
	}
	res, err := invoke(ctx, req)
	if err != nil {
		return err
	}
	if err := checkStatus(res.StatusCode); err != nil {
		return err
	}
	_, err = json.Marshal(res)
	return err
}

func checkStatus(status int) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d, want 200", status)
	}
	return nil
}

// getProductEvent returns the event API Gateway sends for an anonymous
// GET /v1/products/{id} from a browser.
func getProductEvent(id string) events.APIGatewayV2HTTPRequest {
	const host = "abc123.execute-api.eu-west-1.amazonaws.com"
	path := "/v1/products/" + id
	return events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "GET /v1/products/{id}",
		RawPath:  path,
		Headers: map[string]string{
			"accept":            "application/json",
			"accept-encoding":   "gzip, deflate, br",
			"accept-language":   "en-GB,en;q=0.9",
			"host":              host,
			"user-agent":        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
			"x-amzn-trace-id":   "Root=1-6650f0c1-0a1b2c3d4e5f60718293a4b5",
			"x-forwarded-for":   "198.51.100.7",
			"x-forwarded-port":  "443",
			"x-forwarded-proto": "https",
		},
		PathParameters: map[string]string{"id": id},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "GET /v1/products/{id}",
			AccountID:    "123456789012",
			Stage:        "$default",
			RequestID:    "JKJaXmPLvHcESHA=",
			APIID:        "abc123",
			DomainName:   host,
			DomainPrefix: "abc123",
			Time:         "12/Mar/2026:19:03:58 +0000",
			TimeEpoch:    1773342238000,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    http.MethodGet,
				Path:      path,
				Protocol:  "HTTP/1.1",
				SourceIP:  "198.51.100.7",
				UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
			},
		},
	}
}
