package load_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/load"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/pgtest"
)

// TestJourneys runs every journey against the local system behind its
// gateway, closed-loop and at a rate, and checks that each route answered
// as the journeys expect. Timings are reported, never asserted.
func TestJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("starts every store")
	}
	base := startSystem(t)
	ctx := t.Context()
	runner, err := load.Prepare(ctx, load.Options{BaseURL: base, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []load.Config{
		{Duration: 2 * time.Second, Workers: 3},
		{Duration: 2 * time.Second, Workers: 3, Rate: 5},
	} {
		rep, err := runner.Run(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		rep.Write(&out)
		t.Logf("rate %v:\n%s", cfg.Rate, out.String())
		if rep.Errors() > 0 || rep.Requests() == 0 || rep.Journeys() == 0 {
			t.Errorf("rate %v: %d errors in %d requests of %d journeys, want some requests and no errors", cfg.Rate,
				rep.Errors(), rep.Requests(), rep.Journeys())
		}
	}
	// The closed loop is long enough for a shopper journey or more.
	rep, err := runner.Run(ctx, load.Config{Duration: 3 * time.Second, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.Write(&out)
	for _, route := range []string{"GET /v1/products", "GET /v1/products/{id}/rating", "GET /v1/products?q"} {
		if !strings.Contains(out.String(), route) {
			t.Errorf("no request to %s:\n%s", route, out.String())
		}
	}
}

func TestBounds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[{"id":"0190a000-0000-7000-8000-000000000001","name":"Walnut bowl"}]}`)
	}))
	defer srv.Close()
	if _, err := load.Prepare(t.Context(), load.Options{BaseURL: srv.URL, Workers: load.MaxWorkers + 1}); err == nil {
		t.Error("Prepare with too many workers: nil error")
	}
	if _, err := load.Prepare(t.Context(), load.Options{BaseURL: srv.URL, Workers: 1, Journeys: []string{"dance"}}); err == nil {
		t.Error("Prepare with an unknown journey: nil error")
	}
	runner, err := load.Prepare(t.Context(), load.Options{BaseURL: srv.URL, Workers: 2, Journeys: load.Public()})
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]load.Config{
		"no duration":       {Workers: 1},
		"too long":          {Duration: load.MaxDuration + time.Second, Workers: 1},
		"negative rate":     {Duration: time.Second, Rate: -1, Workers: 1},
		"rate over the cap": {Duration: time.Second, Rate: load.MaxRate + 1, Workers: 1},
		"no workers":        {Duration: time.Second},
	} {
		if _, err := runner.Run(t.Context(), cfg); err == nil {
			t.Errorf("Run %s: nil error", name)
		}
	}
}

// startSystem starts the local system on free ports behind its gateway,
// on the machine's PostgreSQL when TEST_POSTGRES_URL is set, and returns
// the gateway's URL.
func startSystem(t *testing.T) string {
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
	for _, dir := range []string{filepath.Dir(dataDir), dataDir} { // the embedded PostgreSQL runs as nobody under root
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sys, err := system.Start(t.Context(), system.Config{DataDir: dataDir, External: external, GatewayURL: srv.URL})
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
	return srv.URL
}
