package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/devtoken"
	"example.com/quartet/packages/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestRun starts the local system on a fresh database, drives it over HTTP
// and shuts it down.
func TestRun(t *testing.T) {
	databaseURL := pgtest.Embedded(t)
	dataDir := t.TempDir()
	webDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(webDir, "index.html"), []byte("<html>quartet</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": databaseURL}
	getenv := func(name string) string { return env[name] }

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", dataDir, "-web", webDir}, getenv, &stdout, &stderr)
	}()
	base := waitForGateway(t, &stdout, done)

	authority, err := devtoken.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	token, err := authority.Mint("dev-admin", []string{"admin"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		method, path  string
		authorization string
		wantStatus    func(int) bool
		wantDesc      string
	}{
		{"seeded catalog", http.MethodGet, "/v1/products", "", is(http.StatusOK), "200"},
		{"web app", http.MethodGet, "/products/anything", "", is(http.StatusOK), "200"},
		{"unknown API route", http.MethodGet, "/v1/nothing", "", is(http.StatusNotFound), "404"},
		{"secured without token", http.MethodPost, "/v1/products", "", is(http.StatusUnauthorized), "401"},
		{"secured with dev token", http.MethodPost, "/v1/products", "Bearer " + token,
			func(s int) bool { return s != http.StatusUnauthorized && s < 500 }, "neither 401 nor 5xx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, base+tt.path, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !tt.wantStatus(resp.StatusCode) {
				t.Errorf("%s %s: status %d, want %s; body %s", tt.method, tt.path, resp.StatusCode, tt.wantDesc, body)
			}
		})
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v\nstderr:\n%s", err, stderr.String())
	}
	if out := stdout.String(); strings.Contains(out, ":postgres@") || !strings.Contains(out, "xxxxx") {
		t.Errorf("the banner does not mask the database password:\n%s", out)
	}
}

func is(want int) func(int) bool { return func(got int) bool { return got == want } }

var gatewayLine = regexp.MustCompile(`gateway\s+(http://\S+)`)

// waitForGateway returns the gateway URL once run has printed it.
func waitForGateway(t *testing.T, stdout *syncBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if m := gatewayLine.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before serving: %v\nstdout:\n%s", err, stdout.String())
		case <-deadline:
			t.Fatalf("run printed no gateway URL:\n%s", stdout.String())
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
			args: []string{"-addr", "127.0.0.1:9999", "-data", data, "-web", web},
			env:  map[string]string{"DATABASE_URL": "postgres://db"},
			want: config{addr: "127.0.0.1:9999", dataDir: data, webDir: web, databaseURL: "postgres://db"},
		},
		{
			name: "environment",
			args: []string{"-data", data, "-web", filepath.Join(web, "missing")},
			env:  map[string]string{"QUARTET_ADDR": "127.0.0.1:7777"},
			want: config{addr: "127.0.0.1:7777", dataDir: data},
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
