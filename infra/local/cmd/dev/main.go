// Command dev runs the whole system on one machine (`make dev`): the stores
// of the four bounded contexts (embedded stand-ins unless their URLs are
// set), every context, migrated and seeded, behind a local API Gateway
// stand-in whose JWT authorizer trusts the tokens accounts issues, and the
// web app, all on one origin.
//
// Usage:
//
//	go run ./infra/local/cmd/dev [-addr 127.0.0.1:8080] [-data .data] [-web web/dist] [-free-ports]
//
// Environment: QUARTET_ADDR is the default of -addr. DATABASE_URL (catalog,
// PostgreSQL), ACCOUNTS_DATABASE_URL (accounts, MySQL/MariaDB),
// DYNAMODB_ENDPOINT (orders) and MONGODB_URI (reviews) select servers of
// your own instead of the embedded ones. Data is kept in the data directory
// across restarts where the store allows. Ctrl-C or SIGTERM shuts
// everything down cleanly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/portwait"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/infra/local/internal/workspace"
)

// shutdownTimeout bounds the wait for in-flight requests at shutdown.
const shutdownTimeout = 10 * time.Second

// GatewayURLFile is the file in the data directory where dev records the
// gateway's URL while it runs, for `make token`.
const GatewayURLFile = "gateway.url"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills the process
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

// config is the configuration of run, from flags and environment.
type config struct {
	addr      string
	dataDir   string
	webDir    string        // "" when there is no built web app
	stores    system.Stores // the stores given by URL
	freePorts bool
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	addr := getenv("QUARTET_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	flags := flag.NewFlagSet("dev", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&addr, "addr", addr, "address to listen on (env QUARTET_ADDR)")
	data := flags.String("data", ".data", "data directory, relative to the repository root")
	web := flags.String("web", "web/dist", "built web app, relative to the repository root; served if it exists")
	freePorts := flags.Bool("free-ports", false, "start the embedded stores on free ports instead of the fixed ones (to run beside another make dev; tests)")
	if err := flags.Parse(args); err != nil {
		return config{}, err
	}
	if flags.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", flags.Args())
	}

	cfg := config{
		addr: addr,
		stores: system.Stores{
			PostgresURL:      getenv("DATABASE_URL"),
			MySQLDSN:         getenv("ACCOUNTS_DATABASE_URL"),
			DynamoDBEndpoint: getenv("DYNAMODB_ENDPOINT"),
			MongoURI:         getenv("MONGODB_URI"),
		},
		freePorts: *freePorts,
	}
	var err error
	if cfg.dataDir, err = workspace.Path(*data); err != nil {
		return config{}, err
	}
	if cfg.webDir, err = workspace.Path(*web); err != nil {
		return config{}, err
	}
	if info, err := os.Stat(cfg.webDir); err != nil || !info.IsDir() {
		cfg.webDir = ""
	}
	return cfg, nil
}

// run runs the system until ctx is done. Each option changes the system's
// configuration before it starts: the fault tests shorten the bus's retry
// policy or make publishing fail; make dev passes none.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, options ...func(*system.Config)) (err error) {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	// Not 0700: when run as root, the embedded PostgreSQL server runs as an
	// unprivileged user that must reach its data below. Secrets in the data
	// directory, such as the signing key, are 0600 files.
	if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
		return err
	}
	pgLogPath := filepath.Join(cfg.dataDir, "postgres.log")
	pgLog, err := os.OpenFile(pgLogPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer pgLog.Close()
	dynamoLog, err := os.OpenFile(filepath.Join(cfg.dataDir, "dynamodb.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer dynamoLog.Close()

	// The gateway listens first: its URL is the token issuer. Until the
	// system is up it answers 503.
	ln, err := portwait.Listen(ctx, cfg.addr, portwait.Wait)
	if errors.Is(err, syscall.EADDRINUSE) {
		return portwait.InUse(cfg.addr, "the gateway",
			"run beside it with `make dev PORTS=free` (free ports for everything), or move the gateway with `make dev ADDR=127.0.0.1:8081`", portwait.Wait)
	}
	if err != nil {
		return fmt.Errorf("the gateway: %w", err)
	}
	gatewayURL := baseURL(ln.Addr().(*net.TCPAddr))
	var handler atomic.Pointer[http.Handler]
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h := handler.Load(); h != nil {
				(*h).ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"message":"Service Unavailable"}`)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Everything stops in reverse: the gateway drains its requests, then
	// the contexts close and the stores stop.
	var sys *system.System
	urlFile := filepath.Join(cfg.dataDir, GatewayURLFile)
	migrateDir := filepath.Join(cfg.dataDir, MigrateDir)
	defer func() {
		if rerr := os.RemoveAll(migrateDir); rerr != nil {
			err = errors.Join(err, rerr)
		}
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if serr := srv.Shutdown(shutdownCtx); serr != nil {
			err = errors.Join(err, fmt.Errorf("shut down the gateway: %w", serr))
		}
		if rerr := os.Remove(urlFile); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		if sys != nil {
			if cerr := sys.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("stop the stores: %w", cerr))
			}
		}
	}()

	ports := system.DefaultPorts
	if cfg.freePorts {
		ports = system.Ports{}
	}
	fmt.Fprintln(stdout, "Starting the stores and contexts...")
	sysCfg := system.Config{
		DataDir:     cfg.dataDir,
		External:    cfg.stores,
		Ports:       ports,
		GatewayURL:  gatewayURL,
		Logger:      logger,
		StoreLog:    pgLog,
		DynamoDBLog: dynamoLog,
		Progress:    stdout,
	}
	for _, o := range options {
		o(&sysCfg)
	}
	sys, err = system.Start(ctx, sysCfg)
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted while starting
		}
		return err
	}

	// Like API Gateway's JWT authorizer, the gateway trusts the issuer's
	// published keys: it reads {issuer}/.well-known/openid-configuration
	// and the JWKS it names over HTTP, here from accounts through the
	// gateway itself.
	verifier, err := gateway.NewJWTAuthorizer(gateway.JWTConfig{Issuer: gatewayURL, Audience: []string{system.Audience}})
	if err != nil {
		return err
	}
	h, err := gateway.New(gateway.Config{
		Contexts: sys.Contexts,
		Verifier: verifier,
		Logger:   logger,
		WebDir:   cfg.webDir,
		Local:    sys.Bus.Admin(), // /_local/dead-letters: cmd/deadletters
	})
	if err != nil {
		return err
	}
	handler.Store(&h)

	if err := os.WriteFile(urlFile, []byte(gatewayURL+"\n"), 0o644); err != nil {
		return err
	}
	if err := writeMigrateEnv(migrateDir, sys.Stores, gatewayURL, cfg.dataDir); err != nil {
		return err
	}
	printBanner(stdout, cfg, gatewayURL, sys.Running, pgLogPath)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "Shutting down...")
	return nil
}

// MigrateDir is the directory in the data directory where dev records,
// while it runs, the configuration of each context's migrate command
// (<context>.env, shell variable assignments), so that `make migrate`
// reaches the running stores by default.
const MigrateDir = "migrate"

// writeMigrateEnv writes MigrateDir/<context>.env for catalog, accounts and
// reviews: the variables their cmd/migrate reads.
func writeMigrateEnv(dir string, stores system.Stores, gatewayURL, dataDir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][][2]string{
		"catalog": {{"DATABASE_URL", stores.PostgresURL}, {"CATALOG_DB_ENGINE", "postgres"}},
		"accounts": {{"DATABASE_URL", stores.MySQLDSN}, {"TOKEN_ISSUER", gatewayURL},
			{"TOKEN_AUDIENCE", system.Audience}, {"SIGNING_KEY_DIR", dataDir}},
		"reviews": {{"MONGODB_URI", stores.MongoURI}, {"MONGODB_DATABASE", system.ReviewsDatabase}},
	}
	for name, vars := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "# The stores of the running make dev, for make migrate SERVICE=%s. Removed when it stops.\n", name)
		for _, v := range vars {
			fmt.Fprintf(&b, "%s=%s\n", v[0], shellQuote(v[1]))
		}
		// 0600: the URLs may carry passwords.
		if err := os.WriteFile(filepath.Join(dir, name+".env"), []byte(b.String()), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// baseURL returns the gateway's URL for clients on this machine: an
// unspecified address (":8080", "0.0.0.0:8080") is reached at 127.0.0.1.
func baseURL(addr *net.TCPAddr) string {
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}

// printBanner tells where everything is. Passwords of stores are masked;
// the demo accounts' passwords are printed: they are public, local-only
// credentials.
func printBanner(w io.Writer, cfg config, gatewayURL string, stores []system.Store, pgLogPath string) {
	web := "not built: serving the API only"
	if cfg.webDir != "" {
		web = "served from " + cfg.webDir
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nQuartet is running.\n")
	fmt.Fprintf(tw, "  gateway\t%s\t(API under /v1/; token issuer, keys at /.well-known/jwks.json)\n", gatewayURL)
	fmt.Fprintf(tw, "  web app\t%s\n", web)
	fmt.Fprintf(tw, "  data\t%s\n", cfg.dataDir)
	fmt.Fprintf(tw, "Stores:\n")
	for _, s := range stores {
		note := s.Note
		if s.Context == "catalog" && cfg.stores.PostgresURL == "" {
			note += " (log in " + pgLogPath + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Context, s.Kind, s.Where, note)
	}
	fmt.Fprintf(tw, "Events:\n")
	fmt.Fprintf(tw, "  bus\t%s\t(a queue per consumer; retried with backoff, %d attempts)\n", filepath.Join(cfg.dataDir, filepath.FromSlash(system.BusFile)), bus.DefaultAttempts)
	fmt.Fprintf(tw, "  dead letters\tmake dead-letters\t(%s%s; replay: make redrive STAGE=local)\n", gatewayURL, bus.DeadLettersPath)
	fmt.Fprintf(tw, "Demo accounts (sign in with POST /v1/sessions):\n")
	for _, a := range system.DemoAccounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Role, a.Email, a.Password)
	}
	fmt.Fprintf(tw, "  token\tmake token ROLE=admin\t(or: go run ./infra/local/cmd/token -role admin)\n")
	fmt.Fprintf(tw, "Press Ctrl-C to stop.\n\n")
	tw.Flush()
}
