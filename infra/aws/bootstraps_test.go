package quartet_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	quartet "example.com/quartet/infra/aws"
	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/lambdarie"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/orders/localdynamo"
	"example.com/quartet/services/reviews"
)

// TestBootstrapsUnderRIE runs the bootstrap `make build` ships for each
// context's function (built for this machine's architecture with the same
// flags) under AWS's Runtime Interface Emulator, with exactly the
// environment variables the synthesized template sets on that function —
// their values pointed at local stand-ins — plus what the Lambda service
// sets. Each answers a public read and a secured write with the claims API
// Gateway's JWT authorizer passes, and every response must match the
// context's OpenAPI document.
//
// Before that, each function's ConfigFromEnv runs with a getenv that
// records what it reads and knows only the template's names and the
// runtime's AWS_* variables: it fails when the function needs a variable
// its stack does not set, or when the stack sets one nobody reads. Init
// and first-invoke times are logged, never asserted.
func TestBootstrapsUnderRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the stage, builds every bootstrap and starts every store")
	}
	rie := lambdarie.Emulator(t)
	names, err := quartet.StageFunctionEnvironments("dev", quartet.EnginePostgres)
	if err != nil {
		t.Fatal(err)
	}
	local := startLocal(t)
	local.emulator, local.names = rie, names

	t.Run("configuration", func(t *testing.T) {
		for _, role := range quartet.Roles {
			t.Run(role, func(t *testing.T) {
				read, ok := configReaders[role]
				if !ok {
					t.Fatalf("no ConfigFromEnv for the function %s: add it to configReaders", role)
				}
				checkConfig(t, names[role], local.env(t, role, names[role]), read)
			})
		}
	})

	// The deploy's migrations first, on the empty databases, as the stack's
	// triggers invoke them; then catalog's demo categories, which products
	// need.
	t.Run("migrations", func(t *testing.T) {
		for role, dir := range map[string]string{quartet.RoleCatalogMigrate: "catalog", quartet.RoleReviewsMigrate: "reviews"} {
			t.Run(role, func(t *testing.T) {
				fn := local.start(t, role, filepath.Join("..", "..", "services", dir, "cmd", "migrate"))
				if _, _, err := fn.Invoke(t.Context(), []byte(`{}`)); err != nil {
					t.Fatalf("the migration failed: %v", err)
				}
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	must(t, local.catalog.Seed(t.Context()))

	// The consumers of events, before the API functions that produce them;
	// then each context's API, the events its functions put on the bus
	// (a stand-in of EventBridge) delivered to the consumers that consume
	// them, as SQS batches: the product reaches orders' and reviews'
	// projections, an order placed through orders is reserved by catalog's
	// consumer and confirmed by orders', and the confirmation makes the
	// customer's review a verified purchase.
	// (Started by the test itself, not a subtest: they must outlive the
	// subtests that use them.)
	j := &journey{local: local, consumers: map[string]*lambdarie.Function{}, delivered: map[string]int{}}
	for _, c := range quartet.Consumers {
		j.consumers[c] = local.start(t, quartet.EventsRole(c), filepath.Join("..", "..", "services", c, "cmd", "events"))
	}
	for _, role := range []string{quartet.RoleCatalog, quartet.RoleAccounts, quartet.RoleOrders, quartet.RoleReviews} {
		t.Run(role, func(t *testing.T) {
			if role != quartet.RoleCatalog && j.productID == "" {
				t.Fatal("no product: the catalog function failed")
			}
			fn := local.start(t, role, filepath.Join("..", "..", "services", role, "cmd", "lambda"))
			scenarios[role](t, apitest.NewFunc(t, specs[role], fn.InvokeHTTP), j)
		})
	}

	// Each relay sweeps its outbox on schedule: the API functions
	// published after their commits, so there is nothing left, and a sweep
	// succeeds.
	for _, c := range quartet.Consumers {
		t.Run(quartet.RelayRole(c), func(t *testing.T) {
			fn := local.start(t, quartet.RelayRole(c), filepath.Join("..", "..", "services", c, "cmd", "relay"))
			if _, _, err := fn.Invoke(t.Context(), scheduledEvent(t)); err != nil {
				t.Fatalf("the sweep failed: %v", err)
			}
		})
	}
}

// journey is what the scenarios share: the product catalog's created, the
// customer who ordered it, and the consumer functions with what the bus
// delivered to each.
type journey struct {
	local                 localStage
	productID, customerID string
	consumers             map[string]*lambdarie.Function
	delivered             map[string]int // bus entries already seen, by consumer
}

// deliver hands consumer's function, as one SQS batch, every event on the
// bus since its last delivery that consumer consumes (the rule's pattern:
// the source prefix and the consumer's types), and fails t unless the
// function processed all of them. It returns how many it delivered.
func (j *journey) deliver(t *testing.T, consumer string) int {
	t.Helper()
	fn := j.consumers[consumer]
	entries := j.local.bus.entries()
	var batch events.SQSEvent
	for i, e := range entries[j.delivered[consumer]:] {
		if !strings.HasPrefix(e.Source, quartet.SourcePrefix) || !slices.Contains(quartet.ConsumedTypes()[consumer], e.DetailType) {
			continue
		}
		body, err := json.Marshal(map[string]any{
			"version": "0", "id": fmt.Sprintf("00000000-0000-0000-0000-%012d", i), "detail-type": e.DetailType,
			"source": e.Source, "account": "123456789012", "time": e.Time, "region": "us-east-1",
			"resources": []string{}, "detail": json.RawMessage(e.Detail),
		})
		must(t, err)
		batch.Records = append(batch.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("%s-%d", consumer, j.delivered[consumer]+i), ReceiptHandle: "rie", Body: string(body),
			Attributes:     map[string]string{"ApproximateReceiveCount": "1"},
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:quartet-dev-" + consumer + "-events", AWSRegion: "us-east-1",
		})
	}
	j.delivered[consumer] = len(entries)
	if len(batch.Records) == 0 {
		return 0
	}
	payload, err := json.Marshal(batch)
	must(t, err)
	out, _, err := fn.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("%s events: %v", consumer, err)
	}
	var resp events.SQSEventResponse
	must(t, json.Unmarshal(out, &resp))
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%s events: %d of %d messages failed: %s", consumer, len(resp.BatchItemFailures), len(batch.Records), out)
	}
	return len(batch.Records)
}

// scheduledEvent is what an EventBridge schedule sends a relay function.
func scheduledEvent(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"version": "0", "id": "00000000-0000-0000-0000-000000000001", "detail-type": "Scheduled Event",
		"source": "aws.events", "account": "123456789012", "time": "2026-12-01T00:00:00Z", "region": "us-east-1",
		"resources": []string{"arn:aws:events:us-east-1:123456789012:rule/quartet-dev-catalog-relay"}, "detail": map[string]any{},
	})
	must(t, err)
	return b
}

// start builds the bootstrap of the main package in dir and runs it under
// the emulator as the function of role: with the variables the template
// sets on it and the stand-ins' endpoints. It logs the init and
// first-invoke times and the RSS when t ends, and the output if t failed.
func (l localStage) start(t *testing.T, role, dir string) *lambdarie.Function {
	t.Helper()
	env := l.env(t, role, l.names[role])
	maps.Copy(env, l.endpoints) // AWS_ENDPOINT_URL_*: the SDK's own redirection to the stand-ins
	out := &logBuffer{}
	t.Cleanup(func() { // runs after the function has stopped
		if t.Failed() {
			t.Logf("the emulator's and the function's output:\n%s", out)
		}
	})
	fn := lambdarie.Start(t, lambdarie.Options{Bootstrap: lambdarie.Build(t, dir), Env: env, Emulator: l.emulator, Log: out})
	t.Cleanup(func() {
		rss, _ := fn.RSS()
		t.Logf("%s under the emulator: init %v, first invoke %v, bootstrap RSS %.1f MB",
			role, fn.Init(), fn.FirstInvoke(), float64(rss)/(1<<20))
	})
	return fn
}

// configReaders run each function's configuration parser over getenv.
// A context's consumer and relay functions read the context's own
// configuration.
var configReaders = map[string]func(getenv func(string) string) error{
	quartet.RoleCatalog:        catalogConfig,
	quartet.RoleCatalogMigrate: catalogConfig,
	quartet.RoleCatalogEvents:  catalogConfig,
	quartet.RoleCatalogRelay:   catalogConfig,
	quartet.RoleAccounts:       func(g func(string) string) error { _, err := accounts.ConfigFromEnv(g); return err },
	quartet.RoleOrders:         ordersConfig,
	quartet.RoleOrdersEvents:   ordersConfig,
	quartet.RoleOrdersRelay:    ordersConfig,
	quartet.RoleReviews:        reviewsConfig,
	quartet.RoleReviewsMigrate: reviewsConfig,
	quartet.RoleReviewsEvents:  reviewsConfig,
	quartet.RoleReviewsRelay:   reviewsConfig,
}

func catalogConfig(g func(string) string) error { _, err := catalog.ConfigFromEnv(g); return err }
func ordersConfig(g func(string) string) error  { _, err := orders.ConfigFromEnv(g); return err }
func reviewsConfig(g func(string) string) error { _, err := reviews.ConfigFromEnv(g); return err }

// checkConfig runs read with a getenv that knows env (the template's names
// with local values) and the runtime's variables, and records what read
// asks for.
func checkConfig(t *testing.T, templateNames []string, env map[string]string, read func(func(string) string) error) {
	t.Helper()
	runtime := lambdarie.RuntimeEnv()
	var mu sync.Mutex
	asked := map[string]bool{}
	getenv := func(name string) string {
		mu.Lock()
		asked[name] = true
		mu.Unlock()
		if v, ok := env[name]; ok {
			return v
		}
		return runtime[name]
	}
	if err := read(getenv); err != nil {
		t.Errorf("the function needs a variable its stack does not set: %v (the template sets %v)", err, templateNames)
	}
	for _, name := range templateNames {
		if !asked[name] {
			t.Errorf("the stack sets %s, which the function never reads", name)
		}
	}
}

// specs are the contexts' OpenAPI documents by function.
var specs = map[string][]byte{
	quartet.RoleAccounts: accounts.OpenAPI, quartet.RoleCatalog: catalog.OpenAPI,
	quartet.RoleOrders: orders.OpenAPI, quartet.RoleReviews: reviews.OpenAPI,
}

// scenarios are a public read and a secured write per context, and the
// events between them. catalog's creates the product the others use.
var scenarios = map[string]func(t *testing.T, api *apitest.API, j *journey){
	quartet.RoleCatalog: func(t *testing.T, api *apitest.API, j *journey) {
		status(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products?limit=5"}), http.StatusOK)
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/products", Claims: apitest.Admin,
			Body: `{"sku":"RIE-` + rand.Text()[:8] + `","name":"Emulated kettle","price":{"amount":1299,"currency":"USD"},"category":"kitchen","stock":5}`,
		})
		status(t, res, http.StatusCreated)
		var p struct{ ID string }
		res.JSON(t, &p)
		j.productID = p.ID
		// ProductCreated, published right after the commit, reaches
		// orders' and reviews' projections.
		for _, c := range []string{quartet.RoleOrders, quartet.RoleReviews} {
			if n := j.deliver(t, c); n == 0 {
				t.Errorf("catalog's function put no event %s consumes on the bus", c)
			}
		}
	},
	quartet.RoleAccounts: func(t *testing.T, api *apitest.API, _ *journey) {
		status(t, api.Do(t, apitest.Request{Method: "GET", Path: "/.well-known/jwks.json"}), http.StatusOK)
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/accounts",
			Body: `{"email":"rie-` + rand.Text()[:8] + `@example.com","displayName":"Rie","password":"emulated-password-1"}`,
		})
		status(t, res, http.StatusCreated)
		var a struct{ ID string }
		res.JSON(t, &a)
		status(t, api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/me/addresses", Claims: apitest.Caller(a.ID, "customer"),
			Body: `{"name":"Rie","lines":["1 Emulator Way"],"city":"Springfield","postalCode":"12345","country":"US"}`,
		}), http.StatusCreated)
	},
	quartet.RoleOrders: func(t *testing.T, api *apitest.API, j *journey) {
		// orders has no public route: without claims the function itself refuses.
		status(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart"}), http.StatusUnauthorized)
		j.customerID = "rie-" + rand.Text()[:8]
		customer := apitest.Caller(j.customerID, "customer")
		status(t, api.Do(t, apitest.Request{
			Method: "PUT", Path: "/v1/cart/items/" + j.productID, Claims: customer, Body: `{"quantity":2}`,
		}), http.StatusOK)
		status(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/cart", Claims: customer}), http.StatusOK)
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/orders", Claims: customer, Header: map[string]string{"Idempotency-Key": rand.Text()},
			Body: `{"shippingAddress":{"name":"Rie","line1":"1 Emulator Way","city":"Springfield","postalCode":"12345","country":"US"}}`,
		})
		status(t, res, http.StatusCreated)
		var o struct{ ID, Status string }
		res.JSON(t, &o)
		// The saga: OrderPlaced to catalog, which reserves the stock;
		// StockReserved to orders, which confirms the order.
		if n := j.deliver(t, quartet.RoleCatalog); n == 0 {
			t.Fatal("orders' function put no OrderPlaced on the bus")
		}
		if n := j.deliver(t, quartet.RoleOrders); n == 0 {
			t.Fatal("catalog's consumer put no StockReserved or StockRejected on the bus")
		}
		res = api.Do(t, apitest.Request{Method: "GET", Path: "/v1/orders/" + o.ID, Claims: customer})
		status(t, res, http.StatusOK)
		res.JSON(t, &o)
		if o.Status != "confirmed" {
			t.Errorf("order %s is %s after the saga, want confirmed", o.ID, o.Status)
		}
	},
	quartet.RoleReviews: func(t *testing.T, api *apitest.API, j *journey) {
		if j.customerID == "" {
			t.Fatal("no customer: the orders function failed")
		}
		j.deliver(t, quartet.RoleReviews) // OrderConfirmed: the customer's purchase
		status(t, api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + j.productID + "/reviews"}), http.StatusOK)
		res := api.Do(t, apitest.Request{
			Method: "POST", Path: "/v1/products/" + j.productID + "/reviews",
			Claims: apitest.Caller(j.customerID, "customer"),
			Body:   `{"rating":5,"title":"Boils under emulation"}`,
		})
		status(t, res, http.StatusCreated)
		var r struct{ VerifiedPurchase bool }
		res.JSON(t, &r)
		if !r.VerifiedPurchase {
			t.Errorf("the review of a confirmed purchase is not verified: %s", res.Body)
		}
		// ReviewSubmitted reaches catalog's ratings.
		if n := j.deliver(t, quartet.RoleCatalog); n == 0 {
			t.Error("reviews' function put no ReviewSubmitted on the bus")
		}
	},
}

func status(t *testing.T, res *apitest.Response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %d, want %d: %s", res.Status, want, res.Body)
	}
}

// localStage is the local stand-in of a stage's stores and secrets.
type localStage struct {
	// values are the local values of the variables a template may set, by
	// function; a variable ending in _SECRET names a secret of secrets.
	values map[string]map[string]string
	// endpoints send the SDK's clients to the stand-ins
	// (AWS_ENDPOINT_URL_<SERVICE>, which the SDK reads itself).
	endpoints map[string]string
	// catalog is the catalog context on the stage's database, not yet
	// migrated: the test seeds its categories through it.
	catalog *catalog.App
	// bus is the stage's EventBridge bus.
	bus *eventBridgeStandIn
	// emulator is the aws-lambda-rie binary; names are the variables the
	// template sets, by function.
	emulator string
	names    map[string][]string
}

// env returns the local values of names, the variables the template sets
// on the function of role. It fails t for a name with no local value.
func (l localStage) env(t *testing.T, role string, names []string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, name := range names {
		v, ok := l.values[role][name]
		if !ok {
			t.Fatalf("the stack sets %s on %s, and this test has no local value for it: add one to startLocal", name, role)
		}
		env[name] = v
	}
	return env
}

// startLocal starts every store (the machine's PostgreSQL and MySQL when
// TEST_POSTGRES_URL and TEST_MYSQL_URL are set, else embedded ones),
// migrates accounts' and orders' (which no function of the stack migrates:
// PlanetScale's branch flow and the stack itself do), puts the secrets in a
// Secrets Manager stand-in and serves a stand-in of the stage's EventBridge
// bus.
func startLocal(t *testing.T) localStage {
	t.Helper()
	ctx := t.Context()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	pgURL := pgtest.Embedded
	if os.Getenv(pgtest.EnvURL) != "" {
		pgURL = pgtest.External
	}
	catalogDB := pgURL(t)
	mysqlDSN := mysqltest.Embedded
	if os.Getenv(mysqltest.EnvDSN) != "" {
		mysqlDSN = mysqltest.External
	}
	accountsDB := mysqlDSN(t)

	ferret, err := embeddedferret.Start(embeddedferret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ferret.Stop() })
	dynamo, err := localdynamo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dynamo.Close() })

	cat, err := catalog.New(ctx, catalog.Config{DatabaseURL: catalogDB}, logger)
	must(t, err)
	t.Cleanup(cat.Close)

	signingKeys := accountsKeyPEM(t)
	acc, err := accounts.New(ctx, accounts.Config{DatabaseURL: accountsDB, Issuer: "https://quartet.example", Audience: quartet.Audience, Keys: accounts.KeysFromPEM(signingKeys)}, logger)
	must(t, err)
	t.Cleanup(acc.Close)
	must(t, acc.Migrate(ctx))

	ord, err := orders.New(ctx, orders.Config{DynamoDBEndpoint: dynamo.URL, TableName: "quartet-dev-orders"}, logger)
	must(t, err)
	must(t, ord.Migrate(ctx))

	secrets := newSecretsStandIn(t, map[string]string{
		"local/accounts/database-url": accountsDB,
		"local/accounts/signing-keys": string(signingKeys),
		"local/reviews/mongodb-uri":   ferret.URI(),
	})
	bus := newEventBridgeStandIn(t, "quartet-dev")
	catalogEnv := map[string]string{
		"CATALOG_DB_ENGINE": quartet.EnginePostgres,
		"DATABASE_URL":      catalogDB,
		"DATABASE_IAM_AUTH": "false", // the stand-in takes a password; in AWS the proxy takes IAM tokens
		"EVENT_BUS_NAME":    bus.name,
		"REQUEST_BUDGET":    "2s",
	}
	ordersEnv := map[string]string{
		"ORDERS_TABLE":       "quartet-dev-orders",
		"ORDERS_CLAIM_LEASE": "10s",
		"EVENT_BUS_NAME":     bus.name,
		"REQUEST_BUDGET":     "2s",
	}
	reviewsEnv := map[string]string{
		"MONGODB_URI_SECRET": "local/reviews/mongodb-uri",
		"MONGODB_DATABASE":   reviews.DefaultDatabase,
		"EVENT_BUS_NAME":     bus.name,
		"REQUEST_BUDGET":     "2s",
	}
	return localStage{
		values: map[string]map[string]string{
			quartet.RoleCatalog:        catalogEnv,
			quartet.RoleCatalogMigrate: catalogEnv,
			quartet.RoleCatalogEvents:  catalogEnv,
			quartet.RoleCatalogRelay:   catalogEnv,
			quartet.RoleAccounts: {
				"DATABASE_URL_SECRET": "local/accounts/database-url",
				"SIGNING_KEYS_SECRET": "local/accounts/signing-keys",
				"TOKEN_ISSUER":        "https://quartet.example",
				"TOKEN_AUDIENCE":      quartet.Audience,
				"REQUEST_BUDGET":      "2s",
			},
			quartet.RoleOrders:         ordersEnv,
			quartet.RoleOrdersEvents:   ordersEnv,
			quartet.RoleOrdersRelay:    ordersEnv,
			quartet.RoleReviews:        reviewsEnv,
			quartet.RoleReviewsMigrate: reviewsEnv,
			quartet.RoleReviewsEvents:  reviewsEnv,
			quartet.RoleReviewsRelay:   reviewsEnv,
		},
		catalog: cat,
		bus:     bus,
		endpoints: map[string]string{
			"AWS_ENDPOINT_URL_SECRETS_MANAGER": secrets.URL,
			"AWS_ENDPOINT_URL_DYNAMODB":        dynamo.URL,
			"AWS_ENDPOINT_URL_EVENTBRIDGE":     bus.URL,
		},
	}
}

// eventBridgeStandIn serves PutEvents of Amazon EventBridge for one bus,
// as its JSON protocol documents it (awsJson1_1: POST /, X-Amz-Target
// "AWSEvents.PutEvents"; {"Entries": [{Source, DetailType, Detail,
// EventBusName, Time, Resources}]} answered with {"FailedEntryCount",
// "Entries": [{"EventId"}]}; errors as 400 {"__type", "message"}), and keeps
// the entries in order. Nothing here contacts AWS.
type eventBridgeStandIn struct {
	*httptest.Server
	name string
	mu   sync.Mutex
	all  []busEntry
}

type busEntry struct {
	Source, DetailType, Detail, EventBusName string
	Time                                     json.RawMessage
}

func newEventBridgeStandIn(t *testing.T, name string) *eventBridgeStandIn {
	t.Helper()
	b := &eventBridgeStandIn{name: name}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fail := func(typ, msg string) {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
		}
		if target := r.Header.Get("X-Amz-Target"); target != "AWSEvents.PutEvents" {
			fail("ValidationException", "the stand-in serves PutEvents only, not "+target)
			return
		}
		var in struct{ Entries []busEntry }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			fail("ValidationException", err.Error())
			return
		}
		if len(in.Entries) == 0 || len(in.Entries) > 10 {
			fail("ValidationException", fmt.Sprintf("%d entries: want 1 to 10", len(in.Entries)))
			return
		}
		type result struct {
			EventID      string `json:"EventId,omitempty"`
			ErrorCode    string `json:",omitempty"`
			ErrorMessage string `json:",omitempty"`
		}
		out := struct {
			FailedEntryCount int
			Entries          []result
		}{}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range in.Entries {
			if e.EventBusName != b.name || e.Source == "" || e.DetailType == "" || !json.Valid([]byte(e.Detail)) {
				out.FailedEntryCount++
				out.Entries = append(out.Entries, result{ErrorCode: "InvalidArgument", ErrorMessage: fmt.Sprintf("bus %q, source %q, detail type %q", e.EventBusName, e.Source, e.DetailType)})
				continue
			}
			b.all = append(b.all, e)
			out.Entries = append(out.Entries, result{EventID: fmt.Sprintf("%08d-0000-0000-0000-000000000000", len(b.all))})
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(b.Close)
	return b
}

// entries returns what the bus accepted so far, in order.
func (b *eventBridgeStandIn) entries() []busEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.all)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// accountsKeyPEM returns a signing key as accounts reads it from its
// secret: an RSA key, generated where accounts generates its local one.
func accountsKeyPEM(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	if _, err := accounts.KeysInDir(dir).SigningKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "accounts-signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return pem
}

// newSecretsStandIn serves GetSecretValue of AWS Secrets Manager for the
// secrets given by name, as its JSON protocol documents it (awsJson1_1:
// POST /, the operation in X-Amz-Target; errors as 400 {"__type",
// "message"}). Nothing here contacts AWS.
func newSecretsStandIn(t *testing.T, secrets map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fail := func(typ, msg string) {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
		}
		if target := r.Header.Get("X-Amz-Target"); target != "secretsmanager.GetSecretValue" {
			fail("InvalidRequestException", "the stand-in serves GetSecretValue only, not "+target)
			return
		}
		var in struct{ SecretId string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			fail("InvalidRequestException", err.Error())
			return
		}
		name := in.SecretId
		if i := strings.LastIndex(name, ":secret:"); i >= 0 {
			name = name[i+len(":secret:"):]
		}
		value, ok := secrets[name]
		if !ok {
			fail("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"ARN":  fmt.Sprintf("arn:aws:secretsmanager:us-east-1:000000000000:secret:%s", name),
			"Name": name, "SecretString": value, "VersionId": "00000000-0000-0000-0000-000000000001",
			"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9,
		})
	}))
	t.Cleanup(srv.Close)
	return srv
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
