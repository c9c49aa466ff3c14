// Command load drives a running Quartet system with its users' journeys
// (browse, search, and a shopper who signs in, fills a cart, orders and
// reviews) and prints throughput, latency percentiles and errors per route
// (`make load`). It exits 1 when any request failed.
//
// Usage:
//
//	go run ./infra/local/cmd/load [-url http://127.0.0.1:8080] [-duration 60s] [-rate 20 | -saturate] [-workers 8]
//	go run ./infra/local/cmd/load -compare [-duration 30s] [-workers 8]
//
// Without -url it targets the running make dev, whose URL it reads from
// the data directory (-data, .data by default). A URL that is not on this
// machine needs -remote, so that a deployed stage is never loaded by
// mistake. -rate starts that many journeys per second (open loop); 0 runs
// every worker back to back (closed loop: the system's saturation).
// -saturate first measures saturation closed-loop for -probe, then runs at
// half of it for -duration.
//
// -compare starts its own system in process (embedded stores on free
// ports, a temporary data directory) and serves the same handlers twice, on
// free loopback ports: behind the local API gateway (event, adapter,
// authorizer, as make dev) and directly with net/http. It runs the public
// journeys closed-loop against each in alternating rounds and prints the
// requests per second of both and their ratio.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/load"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/infra/local/internal/workspace"
	"example.com/quartet/packages/apispec"
)

// gatewayURLFile is where make dev records its URL in its data directory
// (cmd/dev's GatewayURLFile).
const gatewayURLFile = "gateway.url"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if errors.Is(err, errFailedRequests) {
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
}

var errFailedRequests = errors.New("some requests failed")

type config struct {
	url      string
	dataDir  string
	remote   bool
	duration time.Duration
	probe    time.Duration
	rate     float64
	saturate bool
	workers  int
	journeys []string
	compare  bool
	rounds   int
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	flags := flag.NewFlagSet("load", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&cfg.url, "url", "", "base URL of the system (default: the running make dev's, from -data)")
	data := flags.String("data", ".data", "make dev's data directory, relative to the repository root")
	flags.BoolVar(&cfg.remote, "remote", false, "allow a URL that is not on this machine (a deployed stage)")
	flags.DurationVar(&cfg.duration, "duration", 60*time.Second, "how long to run (at most 10m)")
	flags.DurationVar(&cfg.probe, "probe", 10*time.Second, "with -saturate: how long to measure saturation")
	flags.Float64Var(&cfg.rate, "rate", 0, "journeys started per second; 0 runs closed-loop")
	flags.BoolVar(&cfg.saturate, "saturate", false, "measure saturation first, then run at half of it")
	flags.IntVar(&cfg.workers, "workers", 8, "journeys at once (at most 256)")
	journeys := flags.String("journeys", strings.Join(load.All(), ","), "journeys to mix: "+strings.Join(load.All(), ", "))
	flags.BoolVar(&cfg.compare, "compare", false, "start a system in process and compare the gateway with net/http")
	flags.IntVar(&cfg.rounds, "rounds", 3, "with -compare: alternating rounds")
	if err := flags.Parse(args); err != nil {
		return config{}, err
	}
	if flags.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	cfg.journeys = strings.Split(*journeys, ",")
	var err error
	if cfg.dataDir, err = workspace.Path(*data); err != nil {
		return config{}, err
	}
	switch {
	case cfg.duration <= 0 || cfg.duration > load.MaxDuration:
		return config{}, fmt.Errorf("-duration %v: want more than 0 and at most %v", cfg.duration, load.MaxDuration)
	case cfg.saturate && cfg.rate != 0:
		return config{}, errors.New("-saturate and -rate exclude each other")
	case cfg.compare && cfg.url != "":
		return config{}, errors.New("-compare starts its own system: no -url")
	case cfg.rounds < 1 || cfg.rounds > 20:
		return config{}, fmt.Errorf("-rounds %d: want 1 to 20", cfg.rounds)
	}
	return cfg, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	if cfg.compare {
		return compare(ctx, cfg, getenv, stdout)
	}
	base, err := target(cfg)
	if err != nil {
		return err
	}
	runner, err := load.Prepare(ctx, load.Options{BaseURL: base, Journeys: cfg.journeys, Workers: cfg.workers})
	if err != nil {
		return err
	}
	rate := cfg.rate
	if cfg.saturate {
		fmt.Fprintf(stdout, "Saturation: %d workers back to back for %v against %s\n", cfg.workers, cfg.probe, base)
		rep, err := runner.Run(ctx, load.Config{Duration: cfg.probe, Workers: cfg.workers})
		if err != nil {
			return err
		}
		rep.Write(stdout)
		rate = rep.JourneysPerSecond() / 2
		fmt.Fprintf(stdout, "\nsaturation %.1f journeys/s, %.1f requests/s; now half of it, %.1f journeys/s\n\n",
			rep.JourneysPerSecond(), rep.RequestsPerSecond(), rate)
		rate = max(rate, 0.1)
	}
	mode := "closed loop"
	if rate > 0 {
		mode = fmt.Sprintf("%.1f journeys/s", rate)
	}
	fmt.Fprintf(stdout, "Load: %s (%s), %d workers, %v, against %s\n", strings.Join(cfg.journeys, ", "), mode, cfg.workers, cfg.duration, base)
	rep, err := runner.Run(ctx, load.Config{Duration: cfg.duration, Rate: rate, Workers: cfg.workers})
	if err != nil {
		return err
	}
	rep.Write(stdout)
	if rep.Errors() > 0 {
		fmt.Fprintf(stdout, "%d of %d requests failed\n", rep.Errors(), rep.Requests())
		return errFailedRequests
	}
	return nil
}

// target returns the base URL to load: -url, else the running make dev's.
// Only a loopback address is accepted without -remote.
func target(cfg config) (string, error) {
	raw := cfg.url
	if raw == "" {
		b, err := os.ReadFile(filepath.Join(cfg.dataDir, gatewayURLFile))
		if err != nil {
			return "", fmt.Errorf("no -url, and no running make dev (%v)", err)
		}
		raw = strings.TrimSpace(string(b))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-url %q: want an http(s) URL", raw)
	}
	if !cfg.remote && !loopback(u.Hostname()) {
		return "", fmt.Errorf("%s is not on this machine: add -remote to load it", u.Host)
	}
	return strings.TrimSuffix(raw, "/"), nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// compare serves one in-process system behind the gateway and directly,
// and loads both with the public journeys in alternating rounds.
func compare(ctx context.Context, cfg config, getenv func(string) string, stdout io.Writer) error {
	dataDir, err := os.MkdirTemp("", "quartet-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	// The embedded PostgreSQL runs as an unprivileged user when this runs
	// as root, and must reach its data below.
	if err := os.Chmod(dataDir, 0o755); err != nil {
		return err
	}

	gw, gwURL, err := listen()
	if err != nil {
		return err
	}
	direct, directURL, err := listen()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Starting the stores and contexts...")
	sys, err := system.Start(ctx, system.Config{
		DataDir: dataDir,
		External: system.Stores{
			PostgresURL:      getenv("DATABASE_URL"),
			MySQLDSN:         getenv("ACCOUNTS_DATABASE_URL"),
			DynamoDBEndpoint: getenv("DYNAMODB_ENDPOINT"),
			MongoURI:         getenv("MONGODB_URI"),
		},
		GatewayURL: gwURL,
		StoreLog:   io.Discard,
	})
	if err != nil {
		return err
	}
	defer sys.Close()

	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: gwURL, Audience: []string{system.Audience}})
	if err != nil {
		return err
	}
	gwHandler, err := gateway.New(gateway.Config{Contexts: sys.Contexts, Verifier: verifier})
	if err != nil {
		return err
	}
	directHandler, err := directMux(sys)
	if err != nil {
		return err
	}
	for _, s := range []struct {
		ln net.Listener
		h  http.Handler
	}{{gw, gwHandler}, {direct, directHandler}} {
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(s.ln) }()
		defer srv.Close()
	}

	targets := []struct{ name, url string }{{"gateway", gwURL}, {"net/http", directURL}}
	runners := make([]*load.Runner, len(targets))
	for i, t := range targets {
		if runners[i], err = load.Prepare(ctx, load.Options{BaseURL: t.url, Journeys: load.Public(), Workers: cfg.workers}); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	slice := cfg.duration / time.Duration(2*cfg.rounds)
	fmt.Fprintf(stdout, "Compare: %s closed-loop, %d workers, %d rounds of %v each, gateway %s, net/http %s\n",
		strings.Join(load.Public(), ", "), cfg.workers, cfg.rounds, slice, gwURL, directURL)
	rps := make([][]float64, len(targets))
	var ratios []float64
	failed := 0
	for r := range cfg.rounds {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			rep, err := runners[i].Run(ctx, load.Config{Duration: slice, Workers: cfg.workers})
			if err != nil {
				return err
			}
			rps[i] = append(rps[i], rep.RequestsPerSecond())
			failed += rep.Errors()
			if r == cfg.rounds-1 {
				fmt.Fprintf(stdout, "\nlast round, %s:\n", targets[i].name)
				rep.Write(stdout)
			}
		}
		ratios = append(ratios, rps[0][r]/rps[1][r])
		fmt.Fprintf(stdout, "round %d: gateway %.0f req/s, net/http %.0f req/s, ratio %.2f\n", r+1, rps[0][r], rps[1][r], ratios[r])
	}
	ratio := median(ratios)
	verdict := "met"
	if ratio < 0.5 {
		verdict = "MISSED"
	}
	fmt.Fprintf(stdout, "\ngateway %.0f req/s, net/http %.0f req/s (medians): the gateway serves %.0f%% of net/http's requests per second (goal at least 50%%: %s)\n",
		median(rps[0]), median(rps[1]), 100*ratio, verdict)
	if failed > 0 {
		fmt.Fprintf(stdout, "%d requests failed\n", failed)
		return errFailedRequests
	}
	return nil
}

// directMux serves every context's http.Handler on its routes, without
// the gateway: no event, no adapter, no authorizer.
func directMux(sys *system.System) (http.Handler, error) {
	mux := http.NewServeMux()
	for i, c := range sys.Contexts {
		routes, err := apispec.Routes(c.Spec)
		if err != nil {
			return nil, err
		}
		for _, r := range routes {
			mux.Handle(r.Key(), sys.Handlers[i])
		}
	}
	return mux, nil
}

func listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return ln, "http://" + ln.Addr().String(), nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
