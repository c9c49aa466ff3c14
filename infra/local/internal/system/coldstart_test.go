package system_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/go-sql-driver/mysql"

	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/lambdarie"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders/table"
	"example.com/quartet/services/reviews"
)

// Settings of BenchmarkColdStart, from the environment (make coldstart).
const (
	// envInvokes is how many warm invokes each bootstrap gets (10,000).
	envInvokes = "COLDSTART_INVOKES"
	// envColds is how many cold starts each bootstrap gets (5).
	envColds = "COLDSTART_COLDS"
)

// BenchmarkColdStart measures the bootstrap `make build` ships for each
// context (for this machine's architecture, with the same flags) under AWS's
// Runtime Interface Emulator, side by side with a hello-world bootstrap
// built the same way in the same run, and logs one table:
//
//   - init: the platform's INIT REPORT, from the process's start to its
//     first request for an event (median of $COLDSTART_COLDS cold starts),
//     and its ratio and difference to the hello world's;
//   - the first invoke's Duration, and warm invokes' p50 and p99 over
//     $COLDSTART_INVOKES invokes of a read that reaches the store;
//   - the bootstrap's resident memory after the first invoke, after a
//     tenth of the warm invokes and after all of them: growth is the last
//     minus the second, once pools and caches are warm;
//   - store connections, counted by a TCP proxy between the function and
//     its store: opened by the end of the first invoke, and opened after it.
//
// It measures and reports; it asserts nothing. Run it with make coldstart.
func BenchmarkColdStart(b *testing.B) {
	invokes := envInt(b, envInvokes, 10_000)
	colds := envInt(b, envColds, 5)
	rie := lambdarie.Emulator(b)
	sys, gatewayURL := startSystem(b)
	keys, err := os.ReadFile(filepath.Join(sys.dataDir, "accounts-signing-key.pem"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	productID := firstProduct(b, gatewayURL)
	// A name only, and no EventBridge to reach: the measured invokes
	// publish nothing, and nothing may try to reach AWS.
	const coldStartBus = "quartet-coldstart"
	customerID := demoCustomer(b, gatewayURL)

	// Every store is reached through a counting proxy.
	pg, pgConns := proxyURL(b, sys.Stores.PostgresURL)
	dsn, mysqlConns := proxyDSN(b, sys.Stores.MySQLDSN)
	dynamo, dynamoConns := proxyURL(b, sys.Stores.DynamoDBEndpoint)
	mongo, mongoConns := proxyURL(b, sys.Stores.MongoURI)

	customer := map[string]string{"sub": customerID, "roles": "[customer]"}
	bootstraps := []coldBootstrap{
		{name: "hello world", dir: filepath.Join("testdata", "hello"), event: event("GET", "/hello", nil)},
		{
			name: "catalog", dir: serviceDir("catalog"), conns: pgConns,
			env:   map[string]string{"CATALOG_DB_ENGINE": catalog.EnginePostgres, "DATABASE_URL": pg, "EVENT_BUS_NAME": coldStartBus, "AWS_ENDPOINT_URL_EVENTBRIDGE": "http://127.0.0.1:1"},
			event: event("GET", "/v1/products/"+productID, nil),
		},
		{
			name: "accounts", dir: serviceDir("accounts"), conns: mysqlConns,
			env: map[string]string{
				"DATABASE_URL": dsn, "TOKEN_ISSUER": gatewayURL, "TOKEN_AUDIENCE": system.Audience, "SIGNING_KEYS": string(keys),
			},
			event: event("GET", "/v1/me", customer),
		},
		{
			name: "orders", dir: serviceDir("orders"), conns: dynamoConns,
			env:   map[string]string{"DYNAMODB_ENDPOINT": dynamo, "ORDERS_TABLE": table.DefaultName, "EVENT_BUS_NAME": coldStartBus, "AWS_ENDPOINT_URL_EVENTBRIDGE": "http://127.0.0.1:1"},
			event: event("GET", "/v1/cart", customer),
		},
		{
			name: "reviews", dir: serviceDir("reviews"), conns: mongoConns,
			env:   map[string]string{"MONGODB_URI": mongo, "MONGODB_DATABASE": reviews.DefaultDatabase, "EVENT_BUS_NAME": coldStartBus, "AWS_ENDPOINT_URL_EVENTBRIDGE": "http://127.0.0.1:1"},
			event: event("GET", "/v1/products/"+productID+"/rating", nil),
		},
	}

	var rows []coldRow
	for _, bs := range bootstraps {
		bootstrap := lambdarie.Build(b, bs.dir)
		row := coldRow{name: bs.name}
		start := func() *lambdarie.Function {
			return lambdarie.Start(b, lambdarie.Options{Bootstrap: bootstrap, Env: bs.env, Emulator: rie})
		}
		invoke := func(fn *lambdarie.Function) {
			res, err := fn.InvokeHTTP(ctx, bs.event)
			if err != nil {
				b.Fatalf("%s: %v", bs.name, err)
			}
			if res.StatusCode != http.StatusOK {
				b.Fatalf("%s: status %d: %s", bs.name, res.StatusCode, res.Body)
			}
		}

		// Cold starts, each in a new execution environment.
		for range colds - 1 {
			fn := start()
			invoke(fn)
			row.inits = append(row.inits, fn.Init())
			row.firsts = append(row.firsts, fn.FirstInvoke())
			fn.Close()
		}
		// The last one stays for the warm invokes.
		opened := func() int64 { return 0 }
		if bs.conns != nil {
			opened = bs.conns.Load
		}
		before := opened()
		fn := start()
		invoke(fn)
		row.inits = append(row.inits, fn.Init())
		row.firsts = append(row.firsts, fn.FirstInvoke())
		row.connsFirst = opened() - before
		row.rss[0] = rss(b, fn)
		for i := range invokes {
			invoke(fn)
			if i+1 == invokes/10 {
				row.rss[1] = rss(b, fn)
			}
		}
		row.rss[2] = rss(b, fn)
		row.connsAfter = opened() - before - row.connsFirst
		for _, inv := range fn.Invocations()[1:] {
			row.warm = append(row.warm, inv.Duration)
			row.trips = append(row.trips, inv.RoundTrip)
		}
		fn.Close()
		row.hasStore = bs.conns != nil
		rows = append(rows, row)
	}
	b.Logf("\n%d cold starts and %d warm invokes per bootstrap, %s/%s under aws-lambda-rie\n%s",
		colds, invokes, runtime.GOOS, runtime.GOARCH, coldTable(rows))
}

// coldBootstrap is one bootstrap BenchmarkColdStart runs.
type coldBootstrap struct {
	name  string
	dir   string            // its main package, relative to this directory
	env   map[string]string // its function's environment
	event events.APIGatewayV2HTTPRequest
	conns *atomic.Int64 // connections its store's proxy accepted; nil without a store
}

// coldRow is what BenchmarkColdStart measured of one bootstrap.
type coldRow struct {
	name                   string
	inits, firsts          []time.Duration
	warm, trips            []time.Duration
	rss                    [3]int64 // after the first invoke, a tenth of the warm ones, all of them
	hasStore               bool
	connsFirst, connsAfter int64
}

func coldTable(rows []coldRow) string {
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "bootstrap\tinit ms\t×hello\t+ms\tfirst ms\twarm p50 ms\twarm p99 ms\tround trip p50 ms\tRSS first MB\tRSS 10% MB\tRSS end MB\tgrowth MB\tconns first\tconns after\t")
	hello := percentile(rows[0].inits, 50)
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	for _, r := range rows {
		init := percentile(r.inits, 50)
		conns := "-\t-"
		if r.hasStore {
			conns = fmt.Sprintf("%d\t%d", r.connsFirst, r.connsAfter)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%+.1f\t%.1f\t%.2f\t%.2f\t%.2f\t%.1f\t%.1f\t%.1f\t%+.1f\t%s\t\n",
			r.name, ms(init), float64(init)/float64(hello), ms(init-hello), ms(percentile(r.firsts, 50)),
			ms(percentile(r.warm, 50)), ms(percentile(r.warm, 99)), ms(percentile(r.trips, 50)),
			mb(r.rss[0]), mb(r.rss[1]), mb(r.rss[2]), mb(r.rss[2]-r.rss[1]), conns)
	}
	tw.Flush()
	return sb.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile returns the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(i, 0)]
}

func rss(tb testing.TB, fn *lambdarie.Function) int64 {
	tb.Helper()
	n, err := fn.RSS()
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("$%s = %q, want a positive number", name, v)
	}
	return n
}

func serviceDir(name string) string {
	return filepath.Join("..", "..", "..", "..", "services", name, "cmd", "lambda")
}

// event is the API Gateway v2 event of a request without a body; claims,
// when not nil, are those the JWT authorizer passes.
func event(method, path string, claims map[string]string) events.APIGatewayV2HTTPRequest {
	e := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + path, RawPath: path,
		Headers: map[string]string{"accept": "application/json", "host": "api.example.test"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "coldstart", Stage: "$default", DomainName: "api.example.test",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	if claims != nil {
		e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return e
}

// firstProduct returns the id of the newest product catalog lists.
func firstProduct(tb testing.TB, gatewayURL string) string {
	tb.Helper()
	var page struct{ Items []struct{ ID string } }
	getJSON(tb, http.MethodGet, gatewayURL+"/v1/products?limit=1", "", &page)
	if len(page.Items) == 0 {
		tb.Fatal("catalog lists no product")
	}
	return page.Items[0].ID
}

// demoCustomer signs in as the demo customer and returns its account id.
func demoCustomer(tb testing.TB, gatewayURL string) string {
	tb.Helper()
	var a system.DemoAccount
	for _, d := range system.DemoAccounts {
		if d.Role == "customer" {
			a = d
		}
	}
	body, _ := json.Marshal(map[string]string{"email": a.Email, "password": a.Password})
	var session struct{ AccessToken string }
	getJSON(tb, http.MethodPost, gatewayURL+"/v1/sessions", string(body), &session)
	parts := strings.Split(session.AccessToken, ".")
	if len(parts) != 3 {
		tb.Fatalf("sign-in gave no token: %q", session.AccessToken)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct{ Sub string }
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims.Sub == "" {
		tb.Fatalf("token payload %q: %v", payload, err)
	}
	return claims.Sub
}

func getJSON(tb testing.TB, method, url, body string, v any) {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		tb.Fatalf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
}

// proxyURL returns raw (a URL with a host and port) pointed at a counting
// proxy to the same address, and the proxy's count of accepted connections.
func proxyURL(tb testing.TB, raw string) (string, *atomic.Int64) {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	addr, n := countingProxy(tb, u.Host)
	u.Host = addr
	return u.String(), n
}

// proxyDSN is proxyURL for a go-sql-driver DSN.
func proxyDSN(tb testing.TB, dsn string) (string, *atomic.Int64) {
	tb.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	addr, n := countingProxy(tb, cfg.Addr)
	cfg.Addr = addr
	return cfg.FormatDSN(), n
}

// countingProxy forwards every connection to a free loopback port to
// target, and counts them.
func countingProxy(tb testing.TB, target string) (string, *atomic.Int64) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		n     atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	track := func(c net.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			up, err := (&net.Dialer{Timeout: 3 * time.Second}).DialContext(context.Background(), "tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			track(c)
			track(up)
			wg.Add(2)
			go func() { defer wg.Done(); _, _ = io.Copy(up, c); up.Close() }()
			go func() { defer wg.Done(); _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return ln.Addr().String(), &n
}
