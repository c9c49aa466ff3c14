package system_test

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/lambdarie"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/table"
	"example.com/quartet/services/reviews"
)

// TestBootstraps runs the bootstrap `make build` ships for each context
// (built for this machine's architecture, with the same flags) under AWS's
// Runtime Interface Emulator, with the environment its function gets,
// pointed at the local stores, and invokes it with API Gateway v2 events: a
// public read on every context and a secured write with the claims the JWT
// authorizer passes. The responses must match the context's OpenAPI
// document. Init and first-invoke times are logged, not asserted.
func TestBootstraps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four bootstraps and starts every store")
	}
	rie := lambdarie.Emulator(t)
	sys, gatewayURL := startSystem(t)
	keys, err := os.ReadFile(filepath.Join(sys.dataDir, "accounts-signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}

	// The variables each function's stack sets, with local values. The
	// event bus is a name only, and EventBridge's endpoint a closed local
	// port, so nothing tries to reach AWS: a write's events stay in its
	// context's outbox, for the system's own sweep to publish.
	const eventBus = "quartet-bootstraps-test"
	const noEventBridge = "http://127.0.0.1:1"
	env := map[string]map[string]string{
		"accounts": {
			"DATABASE_URL":   sys.Stores.MySQLDSN,
			"TOKEN_ISSUER":   gatewayURL,
			"TOKEN_AUDIENCE": system.Audience,
			"SIGNING_KEYS":   string(keys),
		},
		"catalog": {
			"CATALOG_DB_ENGINE":            catalog.EnginePostgres,
			"DATABASE_URL":                 sys.Stores.PostgresURL,
			"EVENT_BUS_NAME":               eventBus,
			"AWS_ENDPOINT_URL_EVENTBRIDGE": noEventBridge,
		},
		"orders": {
			"DYNAMODB_ENDPOINT":            sys.Stores.DynamoDBEndpoint,
			"ORDERS_TABLE":                 table.DefaultName,
			"EVENT_BUS_NAME":               eventBus,
			"AWS_ENDPOINT_URL_EVENTBRIDGE": noEventBridge,
		},
		"reviews": {
			"MONGODB_URI":                  sys.Stores.MongoURI,
			"MONGODB_DATABASE":             reviews.DefaultDatabase,
			"EVENT_BUS_NAME":               eventBus,
			"AWS_ENDPOINT_URL_EVENTBRIDGE": noEventBridge,
		},
	}
	specs := map[string][]byte{
		"accounts": accounts.OpenAPI, "catalog": catalog.OpenAPI, "orders": orders.OpenAPI, "reviews": reviews.OpenAPI,
	}
	start := func(t *testing.T, name string) *apitest.API {
		t.Helper()
		bootstrap := lambdarie.Build(t, filepath.Join("..", "..", "..", "..", "services", name, "cmd", "lambda"))
		out := &logBuffer{}
		t.Cleanup(func() { // after the function has stopped
			if t.Failed() {
				t.Logf("the emulator's and the function's output:\n%s", out)
			}
		})
		fn := lambdarie.Start(t, lambdarie.Options{Bootstrap: bootstrap, Env: env[name], Emulator: rie, Log: out})
		t.Cleanup(func() {
			rss, _ := fn.RSS()
			t.Logf("%s: init %v, first invoke %v, RSS %.1f MB", name, fn.Init(), fn.FirstInvoke(), float64(rss)/(1<<20))
		})
		return apitest.NewFunc(t, specs[name], fn.InvokeHTTP)
	}

	// catalog first: the others use one of its demo products, which
	// their projections have (Start waits for the start's events). The
	// product the function creates here would reach them only through
	// the system's outbox sweep: the function's own relay cannot reach
	// EventBridge.
	var productID string
	t.Run("catalog", func(t *testing.T) {
		api := start(t, "catalog")
		list := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products?limit=5"})
		want(t, list, http.StatusOK)
		var page struct{ Items []struct{ ID string } }
		list.JSON(t, &page)
		if len(page.Items) > 0 {
			productID = page.Items[0].ID
		}
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/products", Claims: apitest.Admin,
			Body: `{"sku":"RIE-` + rand.Text()[:8] + `","name":"Emulated kettle","price":{"amount":1299,"currency":"USD"},"category":"kitchen","stock":5}`,
		})
		want(t, res, http.StatusCreated)
	})
	if productID == "" {
		t.Fatal("no product: the catalog function failed")
	}
	t.Run("accounts", func(t *testing.T) {
		api := start(t, "accounts")
		want(t, api.Do(t, apitest.Request{Method: "GET", Path: "/.well-known/jwks.json"}), http.StatusOK)
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/accounts",
			Body: `{"email":"rie-` + rand.Text()[:8] + `@example.com","displayName":"Rie","password":"emulated-password-1"}`,
		})
		want(t, res, http.StatusCreated)
		var a struct{ ID string }
		res.JSON(t, &a)
		want(t, api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/me/addresses", Claims: apitest.Caller(a.ID, "customer"),
			Body: `{"name":"Rie","lines":["1 Emulator Way"],"city":"Springfield","postalCode":"12345","country":"US"}`,
		}), http.StatusCreated)
	})
	t.Run("orders", func(t *testing.T) {
		api := start(t, "orders")
		// orders has no public route: without a token the function itself refuses.
		want(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart"}), http.StatusUnauthorized)
		customer := apitest.Caller("rie-"+rand.Text()[:8], "customer")
		want(t, api.Do(t, apitest.Request{
			Method: "PUT", Path: "/v1/cart/items/" + productID, Claims: customer, Body: `{"quantity":2}`,
		}), http.StatusOK)
		want(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart", Claims: customer}), http.StatusOK)
	})
	t.Run("reviews", func(t *testing.T) {
		api := start(t, "reviews")
		want(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + productID + "/reviews"}), http.StatusOK)
		want(t, api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/products/" + productID + "/reviews", Claims: apitest.Caller("rie-"+rand.Text()[:8], "customer"),
			Body: `{"rating":5,"title":"Boils under emulation"}`,
		}), http.StatusCreated)
	})
}

// runningSystem is the local system with the directory of its data.
type runningSystem struct {
	*system.System
	dataDir string
}

// startSystem starts the local system on free ports, on the machine's
// PostgreSQL when TEST_POSTGRES_URL is set, behind a local gateway, and
// returns it with the gateway's URL.
func startSystem(t testing.TB) (runningSystem, string) {
	t.Helper()
	var h atomic.Pointer[http.Handler]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := h.Load(); p != nil {
			(*p).ServeHTTP(w, r)
			return
		}
		http.Error(w, "starting", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)

	var external system.Stores
	if os.Getenv(pgtest.EnvURL) != "" {
		external.PostgresURL = pgtest.External(t)
	}
	dataDir := t.TempDir()
	// The embedded PostgreSQL runs as an unprivileged user when the tests
	// run as root, and must reach its data below.
	for _, dir := range []string{filepath.Dir(dataDir), dataDir} { // TempDir's parent is 0700 too
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()
	sys, err := system.Start(ctx, system.Config{DataDir: dataDir, External: external, GatewayURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sys.Close(); err != nil {
			t.Error(err)
		}
	})
	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: srv.URL, Audience: []string{system.Audience}})
	if err != nil {
		t.Fatal(err)
	}
	handler, err := gateway.New(gateway.Config{Contexts: sys.Contexts, Verifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	h.Store(&handler)
	return runningSystem{sys, dataDir}, srv.URL
}

func want(t *testing.T, res *apitest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
}

// logBuffer keeps what the emulator writes, for a failed test's log.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
