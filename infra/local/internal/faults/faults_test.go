package faults_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/embeddedferret"
	"example.com/quartet/packages/faultproxy"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders/localdynamo"
)

// The behavioural deadlines of issue 9: a failing store is answered within
// failWithin, and a store that is back is used again within recoverWithin.
const (
	failWithin    = 2500 * time.Millisecond
	recoverWithin = time.Second
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestEmbeddedStores runs the fault cases of all four contexts on the
// embedded stores `make dev` uses: PostgreSQL, go-mysql-server, minidyn
// and FerretDB.
func TestEmbeddedStores(t *testing.T) {
	s := start(t, pgtest.Embedded(t), mysqltest.Embedded(t))
	for _, c := range s.cases() {
		t.Run(c.name, func(t *testing.T) { s.run(t, c) })
	}
	t.Run("client hangs up", s.hangUp)
}

// hangUp checks that a client that gives up on a request whose store is
// frozen is not a server error: the context logs it at INFO as a 499 (and
// the check at the end of the test finds no ERROR line).
func (s *stack) hangUp(t *testing.T) {
	p := s.proxies["catalog"]
	if err := p.SetMode(faultproxy.Freeze); err != nil {
		t.Fatal(err)
	}
	defer p.SetMode(faultproxy.Pass)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	path := "/v1/products/" + s.product + "?hang-up=" + rand.Text()[:8]
	if r := s.do(ctx, request{"GET", path, "", nil}); r.err == nil {
		t.Fatalf("the request the client gave up on answered: %v", r)
	}
	deadline := time.Now().Add(failWithin)
	for time.Now().Before(deadline) {
		for line := range strings.Lines(s.logs.String()) {
			if strings.Contains(line, "client closed the request") && strings.Contains(line, "path=/v1/products/"+s.product) &&
				strings.Contains(line, "level=INFO") && strings.Contains(line, "status=499") {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("no INFO line with status 499 for the request the client gave up on; log:\n%s", s.logs.String())
}

// TestRealServers runs the fault cases of catalog and accounts on the
// machine's PostgreSQL and MariaDB/MySQL (TEST_POSTGRES_URL,
// TEST_MYSQL_URL): it skips without them, and fails under CI=true.
func TestRealServers(t *testing.T) {
	s := start(t, pgtest.External(t), mysqltest.External(t))
	for _, c := range s.cases() {
		if c.store == "catalog" || c.store == "accounts" {
			t.Run(c.name, func(t *testing.T) { s.run(t, c) })
		}
	}
}

// stack is the local system behind its gateway, each store behind a proxy.
type stack struct {
	url     string
	proxies map[string]*faultproxy.Proxy // by the name of the context that owns the store
	logs    *lockedBuffer
	client  *http.Client

	admin, customer string      // tokens
	product         string      // a product of the catalog, known to orders and reviews
	address         string      // an address of the customer's
	reviewable      chan string // products known to reviews that nobody reviewed yet
}

// reviewablePool is how many never-reviewed products the stack prepares
// for the reviews case, which writes a review of a new product on every
// attempt: enough for the attempts of every fault mode and its recovery.
const reviewablePool = 32

// start starts the system on the PostgreSQL at pgURL, the MySQL at
// mysqlDSN and embedded minidyn and FerretDB, each behind a fault proxy,
// with the gateway on a free port.
func start(t *testing.T, pgURL, mysqlDSN string) *stack {
	t.Helper()
	s := &stack{
		proxies: make(map[string]*faultproxy.Proxy),
		logs:    &lockedBuffer{},
		client:  &http.Client{Timeout: 10 * time.Second},
	}
	dyn, err := localdynamo.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dyn.Close() })
	ferret, err := embeddedferret.Start(embeddedferret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ferret.Stop() })

	stores := system.Stores{
		PostgresURL:      s.proxyURL(t, "catalog", pgURL),
		MySQLDSN:         s.proxyDSN(t, "accounts", mysqlDSN),
		DynamoDBEndpoint: s.proxyURL(t, "orders", dyn.URL),
		MongoURI:         s.proxyURL(t, "reviews", ferret.URI()),
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "http://" + ln.Addr().String()
	var handler atomic.Pointer[http.Handler]
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := handler.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })

	logger := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dataDir := t.TempDir()
	sys, err := system.Start(t.Context(), system.Config{
		DataDir: dataDir, External: stores, GatewayURL: s.url, Logger: logger,
	})
	if err != nil {
		t.Fatalf("start the system: %v", err)
	}
	t.Cleanup(func() { sys.Close() })
	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: s.url, Audience: []string{system.Audience}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := gateway.New(gateway.Config{Contexts: sys.Contexts, Verifier: verifier, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	handler.Store(&h)

	for _, a := range system.DemoAccounts {
		token := s.signIn(t, a.Email, a.Password)
		switch a.Role {
		case "admin":
			s.admin = token
		case "customer":
			s.customer = token
		}
	}
	// Products reach orders' and reviews' projections through the bus,
	// shortly after catalog answers: the cases start once they have.
	s.product = s.newProduct(t)
	s.eventually(t, request{"PUT", "/v1/cart/items/" + s.product, s.customer, map[string]int{"quantity": 1}})
	s.eventually(t, request{"GET", "/v1/products/" + s.product + "/reviews", "", nil})
	ids := make([]string, reviewablePool)
	for i := range ids {
		ids[i] = s.newProduct(t)
	}
	s.reviewable = make(chan string, reviewablePool)
	for _, id := range ids {
		s.eventually(t, request{"GET", "/v1/products/" + id + "/reviews", "", nil})
		s.reviewable <- id
	}
	t.Cleanup(func() { t.Logf("%d of %d reviewable products left", len(s.reviewable), reviewablePool) })
	var addr struct{ ID string }
	s.must(t, request{"POST", "/v1/me/addresses", s.customer, address("Home")}, &addr)
	s.address = addr.ID
	t.Cleanup(func() {
		// Every store failure was answered as what it is: no request
		// failed as a bug, and no client hang-up was logged as an error.
		for line := range strings.Lines(s.logs.String()) {
			if strings.Contains(line, "level=ERROR") {
				t.Errorf("error logged: %s", line)
			}
		}
	})
	return s
}

// proxyURL puts a proxy in front of the host of raw, a URL, and returns
// raw with the proxy's address instead.
func (s *stack) proxyURL(t *testing.T, name, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	u.Host = s.proxy(t, name, u.Host)
	return u.String()
}

// proxyDSN is proxyURL for a go-sql-driver DSN.
func (s *stack) proxyDSN(t *testing.T, name, dsn string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cfg.Addr = s.proxy(t, name, cfg.Addr)
	return cfg.FormatDSN()
}

func (s *stack) proxy(t *testing.T, name, target string) string {
	t.Helper()
	p, err := faultproxy.Start(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s.proxies[name] = p
	return p.Addr()
}

// request is one call of the API.
type request struct {
	method, path, token string
	body                any
}

// response is what came back, and how long it took.
type response struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
	err    error
}

func (r response) String() string {
	if r.err != nil {
		return fmt.Sprintf("error %v after %v", r.err, r.took.Round(time.Millisecond))
	}
	return fmt.Sprintf("%d after %v: %s", r.status, r.took.Round(time.Millisecond), bytes.TrimSpace(r.body))
}

func (r response) ok() bool { return r.err == nil && r.status >= 200 && r.status < 300 }

func (s *stack) do(ctx context.Context, rq request) response {
	var body io.Reader
	if rq.body != nil {
		b, err := json.Marshal(rq.body)
		if err != nil {
			return response{err: err}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, s.url+rq.path, body)
	if err != nil {
		return response{err: err}
	}
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return response{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b, took: time.Since(start), err: err}
}

// must sends rq and decodes its 2xx answer into v (unless nil).
func (s *stack) must(t *testing.T, rq request, v any) {
	t.Helper()
	r := s.do(t.Context(), rq)
	if !r.ok() {
		t.Fatalf("%s %s: %v", rq.method, rq.path, r)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("%s %s: %v", rq.method, rq.path, err)
		}
	}
}

func (s *stack) signIn(t *testing.T, email, password string) string {
	t.Helper()
	var session struct{ AccessToken string }
	s.must(t, request{"POST", "/v1/sessions", "", map[string]string{"email": email, "password": password}}, &session)
	return session.AccessToken
}

// eventually sends rq until it is answered 2xx, for at most 15 s: what
// reaches a context through the bus.
func (s *stack) eventually(t *testing.T, rq request) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := s.do(t.Context(), rq)
		if r.ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s: %v after 15 s of retries", rq.method, rq.path, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reviewableProduct returns a product known to reviews that nobody has
// reviewed: one of the pool, or a new one once the pool is used up.
func (s *stack) reviewableProduct(t *testing.T) string {
	t.Helper()
	select {
	case id := <-s.reviewable:
		return id
	default:
		id := s.newProduct(t)
		s.eventually(t, request{"GET", "/v1/products/" + id + "/reviews", "", nil})
		return id
	}
}

func (s *stack) newProduct(t *testing.T) string {
	t.Helper()
	var cats struct{ Items []struct{ Slug string } }
	s.must(t, request{"GET", "/v1/categories", "", nil}, &cats)
	if len(cats.Items) == 0 {
		t.Fatal("no categories in the seeded catalog")
	}
	sku := "FAULT-" + rand.Text()[:12]
	var p struct{ ID string }
	s.must(t, request{"POST", "/v1/products", s.admin, map[string]any{
		"sku": sku, "name": "Fault " + sku, "price": map[string]any{"amount": 1200, "currency": "USD"},
		"category": cats.Items[0].Slug, "stock": 1000,
	}}, &p)
	return p.ID
}

// address is the body of an address named name.
func address(name string) map[string]any {
	return map[string]any{"name": name, "lines": []string{"1 Main Street"}, "city": "Springfield", "postalCode": "12345", "country": "US"}
}

// faultCase is one context: a read and a write that need its store, and
// a read of it that the others' tests run while their store fails.
type faultCase struct {
	name  string
	store string // the key of its proxy
	read  func(t *testing.T) request
	write func(t *testing.T) request
}

func (s *stack) cases() []faultCase {
	return []faultCase{
		{
			name: "catalog", store: "catalog",
			read: func(*testing.T) request { return request{"GET", "/v1/products/" + s.product, "", nil} },
			write: func(*testing.T) request {
				return request{"POST", "/v1/products/" + s.product + "/stock-adjustments", s.admin, map[string]int{"delta": 1}}
			},
		},
		{
			name: "accounts", store: "accounts",
			read: func(*testing.T) request { return request{"GET", "/v1/me", s.customer, nil} },
			// Not a sign-up: hashing its password takes longer than the
			// store's part.
			write: func(*testing.T) request {
				return request{"PUT", "/v1/me/addresses/" + s.address, s.customer, address("Home " + rand.Text()[:6])}
			},
		},
		{
			name: "orders", store: "orders",
			read: func(*testing.T) request { return request{"GET", "/v1/orders", s.customer, nil} },
			write: func(*testing.T) request {
				return request{"PUT", "/v1/cart/items/" + s.product, s.customer, map[string]int{"quantity": 1}}
			},
		},
		{
			name: "reviews", store: "reviews",
			read: func(*testing.T) request { return request{"GET", "/v1/products/" + s.product + "/reviews", "", nil} },
			// A product of its own for every review: a review written
			// while the store froze may still land once it thaws.
			write: func(t *testing.T) request {
				return request{"POST", "/v1/products/" + s.reviewableProduct(t) + "/reviews", s.customer,
					map[string]any{"rating": 4, "title": "Fault", "body": "still here"}}
			},
		},
	}
}

// run checks one context: for a frozen store and then a refusing one, its
// read and write answer 503 with Retry-After within failWithin while the
// other contexts keep answering, and both succeed again within
// recoverWithin of the store's return.
func (s *stack) run(t *testing.T, c faultCase) {
	p := s.proxies[c.store]
	for _, rq := range []request{c.read(t), c.write(t)} {
		if r := s.do(t.Context(), rq); !r.ok() {
			t.Fatalf("before any fault, %s %s: %v", rq.method, rq.path, r)
		}
	}
	for _, mode := range []faultproxy.Mode{faultproxy.Freeze, faultproxy.Refuse, faultproxy.Reset, faultproxy.Cut} {
		t.Run(mode.String(), func(t *testing.T) {
			s.fail(t, c, p, mode)
			s.recover(t, c, p, mode)
		})
	}
}

func (s *stack) fail(t *testing.T, c faultCase, p *faultproxy.Proxy, mode faultproxy.Mode) {
	read, write := c.read(t), c.write(t)
	var others []request
	for _, o := range s.cases() {
		if o.name != c.name {
			others = append(others, o.read(t))
		}
	}
	if err := p.SetMode(mode); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var gotRead, gotWrite response
	wg.Go(func() { gotRead = s.do(t.Context(), read) })
	wg.Go(func() { gotWrite = s.do(t.Context(), write) })
	// Meanwhile, the other contexts answer.
	otherAnswers := make([]response, len(others))
	for i, o := range others {
		wg.Go(func() {
			time.Sleep(100 * time.Millisecond) // while this context's requests are in flight
			otherAnswers[i] = s.do(t.Context(), o)
		})
	}
	wg.Wait()

	for _, got := range []struct {
		what string
		rq   request
		r    response
	}{{"read", read, gotRead}, {"write", write, gotWrite}} {
		r := got.r
		t.Logf("%s store %s: %s %s answered %d in %v", c.store, mode, got.rq.method, got.rq.path, r.status, r.took.Round(time.Millisecond))
		switch {
		case r.err != nil || r.status != http.StatusServiceUnavailable:
			t.Errorf("%s with the store %s: %v; want 503", got.what, mode, r)
		case r.header.Get("Retry-After") != unavailable.RetryAfterHeader:
			t.Errorf("%s with the store %s: Retry-After %q, want %q", got.what, mode, r.header.Get("Retry-After"), unavailable.RetryAfterHeader)
		case r.header.Get("Content-Type") != problem.ContentType:
			t.Errorf("%s with the store %s: Content-Type %q, want %q", got.what, mode, r.header.Get("Content-Type"), problem.ContentType)
		}
		if r.took > failWithin {
			t.Errorf("%s with the store %s took %v, want at most %v", got.what, mode, r.took, failWithin)
		}
	}
	for i, r := range otherAnswers {
		if !r.ok() {
			t.Errorf("while %s's store is %s, %s %s: %v; want it to answer", c.name, mode, others[i].method, others[i].path, r)
		}
	}
}

func (s *stack) recover(t *testing.T, c faultCase, p *faultproxy.Proxy, mode faultproxy.Mode) {
	if err := p.SetMode(faultproxy.Pass); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	var last [2]response
	for time.Since(back) < 10*time.Second {
		var wg sync.WaitGroup
		wg.Go(func() { last[0] = s.do(t.Context(), c.read(t)) })
		wg.Go(func() { last[1] = s.do(t.Context(), c.write(t)) })
		wg.Wait()
		if last[0].ok() && last[1].ok() {
			took := time.Since(back)
			t.Logf("%s store back after %s: read and write answered 2xx within %v", c.store, mode, took.Round(time.Millisecond))
			if took > recoverWithin {
				t.Errorf("after the store was %s, the context answered again after %v, want at most %v", mode, took, recoverWithin)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("after the store was %s, no answer within 10 s: read %v, write %v", mode, last[0], last[1])
}

// lockedBuffer is a bytes.Buffer safe for concurrent use: the log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCatalogMySQLMode runs catalog's fault cases in its RDS MySQL mode, on
// the machine's MariaDB/MySQL (TEST_MYSQL_URL; go-mysql-server cannot hold
// its FULLTEXT index): through the Lambda adapter, since `make dev` runs
// catalog on PostgreSQL. It skips without the server, and fails under
// CI=true.
func TestCatalogMySQLMode(t *testing.T) {
	s := &stack{proxies: make(map[string]*faultproxy.Proxy)}
	dsn := s.proxyDSN(t, "catalog", mysqltest.External(t))
	app, err := catalog.New(t.Context(), catalog.Config{Engine: catalog.EngineMySQL, DatabaseURL: dsn}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := app.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	api := apitest.New(t, catalog.OpenAPI, app.Handler())
	var page struct{ Items []struct{ ID string } }
	api.Do(t, apitest.Request{Method: http.MethodGet, Path: "/v1/products?limit=1"}).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatal("no product after Seed")
	}
	id := page.Items[0].ID
	read := apitest.Request{Method: http.MethodGet, Path: "/v1/products/" + id}
	write := apitest.Request{Method: http.MethodPost, Path: "/v1/products/" + id + "/stock-adjustments", Claims: apitest.Admin,
		Header: map[string]string{"Content-Type": "application/json"}, Body: `{"delta":1}`}
	timed := func(rq apitest.Request) (*apitest.Response, time.Duration) {
		start := time.Now()
		r := api.Do(t, rq)
		return r, time.Since(start)
	}
	p := s.proxies["catalog"]
	for _, mode := range []faultproxy.Mode{faultproxy.Freeze, faultproxy.Refuse, faultproxy.Reset, faultproxy.Cut} {
		t.Run(mode.String(), func(t *testing.T) {
			if err := p.SetMode(mode); err != nil {
				t.Fatal(err)
			}
			for _, rq := range []apitest.Request{read, write} {
				r, took := timed(rq)
				t.Logf("MySQL %s: %s %s answered %d in %v", mode, rq.Method, rq.Path, r.Status, took.Round(time.Millisecond))
				if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != unavailable.RetryAfterHeader {
					t.Errorf("%s %s with the store %s: %d, Retry-After %q; want 503 and %q: %s",
						rq.Method, rq.Path, mode, r.Status, r.Header.Get("Retry-After"), unavailable.RetryAfterHeader, r.Body)
				}
				if took > failWithin {
					t.Errorf("%s %s with the store %s took %v, want at most %v", rq.Method, rq.Path, mode, took, failWithin)
				}
			}
			if err := p.SetMode(faultproxy.Pass); err != nil {
				t.Fatal(err)
			}
			back := time.Now()
			for {
				r1, _ := timed(read)
				r2, _ := timed(write)
				if r1.Status == http.StatusOK && r2.Status == http.StatusOK {
					break
				}
				if time.Since(back) > 10*time.Second {
					t.Fatalf("after the store was %s, no answer within 10 s: %d %s, %d %s", mode, r1.Status, r1.Body, r2.Status, r2.Body)
				}
				time.Sleep(20 * time.Millisecond)
			}
			took := time.Since(back)
			t.Logf("MySQL back after %s: read and write answered 200 within %v", mode, took.Round(time.Millisecond))
			if took > recoverWithin {
				t.Errorf("after the store was %s, catalog answered again after %v, want at most %v", mode, took, recoverWithin)
			}
		})
	}
}
