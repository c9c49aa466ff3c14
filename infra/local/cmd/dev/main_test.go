package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/testenv"
)

// stack is the system every test of this binary drives over HTTP: run, as
// `make dev` runs it, on embedded stores on free ports, with its data in a
// temporary directory. Starting it once keeps the tests quick; each test
// signs up accounts and creates products of its own, so they do not meet.
var stack struct {
	url     string      // the gateway
	dataDir string      // run's -data
	stdout  *syncBuffer // run's output, with the banner
}

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) (code int) {
	if mode, ok := os.LookupEnv(devChildEnv); ok {
		// A fault test's child process: make dev itself (faults_test.go).
		return devChild(mode)
	}
	flag.Parse()
	if testing.Short() {
		// Only the tests that need no system run.
		return m.Run()
	}
	dataDir, err := os.MkdirTemp("", "quartet-dev-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dataDir)
	// When run as root, the embedded PostgreSQL server runs as an
	// unprivileged user that must reach its data below.
	if err := os.Chmod(dataDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	webDir := filepath.Join(dataDir, "web")
	err = os.Mkdir(webDir, 0o755)
	if err == nil {
		err = os.WriteFile(filepath.Join(webDir, "index.html"), []byte("<html>quartet</html>"), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	args := []string{"-addr", "127.0.0.1:0", "-data", filepath.Join(dataDir, "data"), "-web", webDir, "-free-ports"}
	go func() { done <- run(ctx, args, func(string) string { return "" }, stdout, stderr) }()

	url, err := waitForGateway(stdout, done, 3*time.Minute)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dev: %v\nstderr:\n%s", err, stderr.String())
		return 1
	}
	stack.url, stack.dataDir, stack.stdout = url, filepath.Join(dataDir, "data"), stdout

	code = m.Run()

	// Ctrl-C: everything stops, cleanly.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(os.Stderr, "run after cancel: %v\nstderr:\n%s", err, stderr.String())
			code = 1
		}
	case <-time.After(time.Minute):
		fmt.Fprintln(os.Stderr, "run did not return within a minute of cancel")
		code = 1
	}
	if _, err := os.Stat(filepath.Join(stack.dataDir, GatewayURLFile)); err == nil {
		fmt.Fprintln(os.Stderr, "run left the gateway URL file behind")
		code = 1
	}
	if resp, err := http.Get(url + "/v1/products"); err == nil {
		resp.Body.Close()
		fmt.Fprintln(os.Stderr, "the gateway still answers after shutdown")
		code = 1
	}
	return code
}

// needStack skips tests that need the system under -short.
func needStack(t *testing.T) {
	t.Helper()
	if stack.url == "" {
		t.Skip("no system under -short")
	}
}

var gatewayLine = regexp.MustCompile(`gateway\s+(http://\S+)`)

// waitForGateway returns the gateway URL once run has printed its banner.
func waitForGateway(stdout *syncBuffer, done <-chan error, timeout time.Duration) (string, error) {
	deadline := time.After(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if out := stdout.String(); strings.Contains(out, "Press Ctrl-C") {
			if m := gatewayLine.FindStringSubmatch(out); m != nil {
				return m[1], nil
			}
			return "", fmt.Errorf("no gateway URL in the banner:\n%s", out)
		}
		select {
		case err := <-done:
			return "", fmt.Errorf("run returned before serving: %v\nstdout:\n%s", err, stdout.String())
		case <-deadline:
			return "", fmt.Errorf("run printed no banner in %s:\n%s", timeout, stdout.String())
		case <-tick.C:
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// response is an HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// decode decodes the body as JSON into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// call sends a request to the gateway: body (if not nil) as JSON, token
// (if not empty) as a bearer token, and header pairs.
func call(t *testing.T, method, path, token string, body any, header ...string) response {
	t.Helper()
	return callAt(t, stack.url, method, path, token, body, header...)
}

// callAt is call on the gateway at base. It is safe in goroutines other
// than the test's: it reports with t.Errorf, and returns a response of
// status 0 when the request fails.
func callAt(t *testing.T, base, method, path, token string, body any, header ...string) response {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Errorf("%s %s: %v", method, path, err)
			return response{}
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, r)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return response{}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return response{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return response{}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// want fails t unless r has the status.
func want(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
	}
}

// newEmail returns an email address no other test uses.
func newEmail(prefix string) string {
	return prefix + "-" + strings.ToLower(rand.Text()[:10]) + "@e2e.example"
}

// signUp creates a customer account and returns its email.
func signUp(t *testing.T, prefix string) (email, password string) {
	t.Helper()
	email, password = newEmail(prefix), "correct horse battery "+prefix
	r := call(t, http.MethodPost, "/v1/accounts", "", map[string]string{"email": email, "displayName": prefix, "password": password})
	want(t, r, http.StatusCreated, "sign up "+email)
	return email, password
}

// signIn returns an access token for the account.
func signIn(t *testing.T, email, password string) string {
	t.Helper()
	r := call(t, http.MethodPost, "/v1/sessions", "", map[string]string{"email": email, "password": password})
	want(t, r, http.StatusOK, "sign in "+email)
	var s struct{ AccessToken string }
	r.decode(t, &s)
	if s.AccessToken == "" {
		t.Fatalf("sign in %s: no access token in %s", email, r.body)
	}
	return s.AccessToken
}

// newCustomer signs up a customer and returns its token.
func newCustomer(t *testing.T, prefix string) string {
	t.Helper()
	email, password := signUp(t, prefix)
	return signIn(t, email, password)
}

// demoToken returns a token of the demo account of role.
func demoToken(t *testing.T, role string) string {
	t.Helper()
	for _, a := range system.DemoAccounts {
		if a.Role == role {
			return signIn(t, a.Email, a.Password)
		}
	}
	t.Fatalf("no demo account of role %s", role)
	return ""
}

// product is a catalog product as the tests read it.
type product struct {
	ID    string
	Name  string
	Price struct {
		Amount   int64
		Currency string
	}
}

// newProduct creates a product as the demo admin and returns it.
func newProduct(t *testing.T, admin string, amount int64) product {
	t.Helper()
	var cats struct{ Items []struct{ Slug string } }
	call(t, http.MethodGet, "/v1/categories", "", nil).decode(t, &cats)
	if len(cats.Items) == 0 {
		t.Fatal("no categories in the seeded catalog")
	}
	sku := "E2E-" + rand.Text()[:12]
	r := call(t, http.MethodPost, "/v1/products", admin, map[string]any{
		"sku": sku, "name": "E2E " + sku, "price": map[string]any{"amount": amount, "currency": "USD"},
		"category": cats.Items[0].Slug, "stock": 100,
	})
	want(t, r, http.StatusCreated, "create product as admin")
	var p product
	r.decode(t, &p)
	return p
}

func TestBanner(t *testing.T) {
	needStack(t)
	out := stack.stdout.String()
	for _, want := range []string{
		`accounts\s+MySQL\s+root@tcp\(127\.0\.0\.1:\d+\)/accounts\s+embedded go-mysql-server, in memory, kept in ` + regexp.QuoteMeta(filepath.Join(stack.dataDir, "mysql", "accounts.snapshot.json")),
		`catalog\s+PostgreSQL\s+postgres://postgres:xxxxx@127\.0\.0\.1:\d+/postgres\S*\s+embedded, data in ` + regexp.QuoteMeta(filepath.Join(stack.dataDir, "postgres")),
		ordersBanner(),
		`reviews\s+MongoDB\s+mongodb://127\.0\.0\.1:\d+/\s+embedded FerretDB, data in ` + regexp.QuoteMeta(filepath.Join(stack.dataDir, "ferretdb")),
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("the banner does not match %s:\n%s", want, out)
		}
	}
	for _, a := range system.DemoAccounts {
		if !regexp.MustCompile(a.Role + `\s+` + regexp.QuoteMeta(a.Email) + `\s+` + regexp.QuoteMeta(a.Password)).MatchString(out) {
			t.Errorf("the banner does not give the demo %s's credentials:\n%s", a.Role, out)
		}
	}
	for _, want := range []string{
		`bus\s+` + regexp.QuoteMeta(filepath.Join(stack.dataDir, "bus", "events.db")),
		`dead letters\s+make dead-letters\s+\(` + regexp.QuoteMeta(stack.url) + `/_local/dead-letters; replay: make redrive STAGE=local\)`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("the banner does not match %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, ":postgres@") {
		t.Errorf("the banner shows the database password:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(stack.dataDir, GatewayURLFile))
	if err != nil || strings.TrimSpace(string(b)) != stack.url {
		t.Errorf("%s = %q, %v; want %s", GatewayURLFile, b, err, stack.url)
	}
}

// ordersBanner is the banner line of orders: DynamoDB Local where Java is
// (always in CI), else minidyn, saying why.
func ordersBanner() string {
	local := `orders\s+DynamoDB\s+http://127\.0\.0\.1:\d+\s+DynamoDB Local, data in ` + regexp.QuoteMeta(filepath.Join(stack.dataDir, "dynamodb"))
	if testenv.InCI() {
		return local
	}
	return local + `|orders\s+DynamoDB\s+http://127\.0\.0\.1:\d+\s+embedded minidyn, in memory: .* \(no DynamoDB Local: .+\)`
}

func TestRoutes(t *testing.T) {
	needStack(t)
	tests := []struct {
		name         string
		method, path string
		want         int
	}{
		{"seeded catalog", http.MethodGet, "/v1/products?limit=5", http.StatusOK},
		{"categories", http.MethodGet, "/v1/categories", http.StatusOK},
		{"web app", http.MethodGet, "/products/anything", http.StatusOK},
		{"unknown API route", http.MethodGet, "/v1/nothing", http.StatusNotFound},
		{"catalog write without token", http.MethodPost, "/v1/products", http.StatusUnauthorized},
		{"accounts without token", http.MethodGet, "/v1/me", http.StatusUnauthorized},
		{"orders without token", http.MethodGet, "/v1/cart", http.StatusUnauthorized},
		{"reviews write without token", http.MethodPost, "/v1/products/x/reviews", http.StatusUnauthorized},
		{"rating of an unknown product", http.MethodGet, "/v1/products/x/rating", http.StatusNotFound},
		{"dead letters", http.MethodGet, "/_local/dead-letters", http.StatusOK},
		{"web app beside the local endpoints", http.MethodGet, "/_local", http.StatusOK},
		{"JWKS", http.MethodGet, "/.well-known/jwks.json", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == http.MethodPost {
				body = map[string]any{}
			}
			r := call(t, tt.method, tt.path, "", body)
			if r.status != tt.want {
				t.Errorf("%s %s: status %d, want %d; body %s", tt.method, tt.path, r.status, tt.want, r.body)
			}
		})
	}

	// The discovery document that the gateway's authorizer reads names the
	// gateway as the issuer, and keys under it.
	var d struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	call(t, http.MethodGet, "/.well-known/openid-configuration", "", nil).decode(t, &d)
	if d.Issuer != stack.url || d.JWKSURI != stack.url+"/.well-known/jwks.json" {
		t.Errorf("discovery = %+v, want issuer %s and its JWKS", d, stack.url)
	}
}

func TestParseConfig(t *testing.T) {
	web := t.TempDir()
	data := filepath.Join(t.TempDir(), "data")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{
			name: "flags",
			args: []string{"-addr", "127.0.0.1:9999", "-data", data, "-web", web, "-free-ports"},
			env:  map[string]string{"DATABASE_URL": "postgres://db"},
			want: config{addr: "127.0.0.1:9999", dataDir: data, webDir: web, stores: system.Stores{PostgresURL: "postgres://db"}, freePorts: true},
		},
		{
			name: "environment",
			args: []string{"-data", data, "-web", filepath.Join(web, "missing")},
			env: map[string]string{
				"QUARTET_ADDR": "127.0.0.1:7777", "DATABASE_URL": "postgres://db", "ACCOUNTS_DATABASE_URL": "root@tcp(db:3306)/accounts",
				"DYNAMODB_ENDPOINT": "http://127.0.0.1:8000", "MONGODB_URI": "mongodb://db/",
			},
			want: config{addr: "127.0.0.1:7777", dataDir: data, stores: system.Stores{
				PostgresURL: "postgres://db", MySQLDSN: "root@tcp(db:3306)/accounts", DynamoDBEndpoint: "http://127.0.0.1:8000", MongoURI: "mongodb://db/",
			}},
		},
		{
			name: "flag over environment",
			args: []string{"-addr", ":1234", "-data", data, "-web", web},
			env:  map[string]string{"QUARTET_ADDR": "127.0.0.1:7777"},
			want: config{addr: ":1234", dataDir: data, webDir: web},
		},
		{
			name: "defaults",
			args: []string{"-data", data, "-web", filepath.Join(web, "missing")},
			want: config{addr: "127.0.0.1:8080", dataDir: data},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatalf("parseConfig: %v", err)
			}
			if got != tt.want {
				t.Errorf("parseConfig = %+v, want %+v", got, tt.want)
			}
		})
	}

	got, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	if filepath.Base(got.dataDir) != ".data" || !filepath.IsAbs(got.dataDir) {
		t.Errorf("default data dir = %q, want an absolute path to .data at the repository root", got.dataDir)
	}

	if _, err := parseConfig([]string{"extra"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("parseConfig with an extra argument succeeded, want an error")
	}
}
