// Command dev runs the whole system on one machine (`make dev`): the stores
// (an embedded PostgreSQL server unless DATABASE_URL is set), every bounded
// context, migrated and seeded, behind a local API Gateway stand-in, and the
// web app, all on one origin.
//
// Usage:
//
//	go run ./infra/local/cmd/dev [-addr 127.0.0.1:8080] [-data .data] [-web web/dist]
//
// Environment: QUARTET_ADDR is the default of -addr; DATABASE_URL selects an
// existing PostgreSQL server. Data is kept in the data directory across
// restarts. Ctrl-C or SIGTERM shuts everything down cleanly.
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
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"

	"example.com/quartet/infra/local/internal/devtoken"
	"example.com/quartet/infra/local/internal/gateway"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/infra/local/internal/workspace"
)

// shutdownTimeout bounds the wait for in-flight requests at shutdown.
const shutdownTimeout = 10 * time.Second

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
	addr        string
	dataDir     string
	webDir      string // "" when there is no built web app
	databaseURL string
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
	if err := flags.Parse(args); err != nil {
		return config{}, err
	}
	if flags.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", flags.Args())
	}

	cfg := config{addr: addr, databaseURL: getenv("DATABASE_URL")}
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

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
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

	authority, err := devtoken.Open(cfg.dataDir)
	if err != nil {
		return err
	}

	fmt.Fprintln(stdout, "Starting the stores and contexts...")
	sys, err := system.Start(ctx, system.Config{
		DataDir:     cfg.dataDir,
		DatabaseURL: cfg.databaseURL,
		Logger:      logger,
		StoreLog:    pgLog,
	})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := sys.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("stop the stores: %w", cerr))
		}
	}()

	handler, err := gateway.New(gateway.Config{
		Contexts: sys.Contexts,
		Verifier: authority,
		Logger:   logger,
		WebDir:   cfg.webDir,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	printBanner(stdout, cfg, "http://"+ln.Addr().String(), sys.Stores.PostgresURL, pgLogPath)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	fmt.Fprintln(stdout, "Shutting down...")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down the gateway: %w", err)
	}
	return nil
}

// printBanner tells where everything is. The database password is masked.
func printBanner(w io.Writer, cfg config, gatewayURL, databaseURL, pgLogPath string) {
	web := "not built: serving the API only"
	if cfg.webDir != "" {
		web = "served from " + cfg.webDir
	}
	database := redact(databaseURL)
	if cfg.databaseURL == "" {
		database += "  (embedded, log in " + pgLogPath + ")"
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nQuartet is running.\n")
	fmt.Fprintf(tw, "  gateway\t%s\t(API under /v1/)\n", gatewayURL)
	fmt.Fprintf(tw, "  web app\t%s\n", web)
	fmt.Fprintf(tw, "  database\t%s\n", database)
	fmt.Fprintf(tw, "  data\t%s\n", cfg.dataDir)
	fmt.Fprintf(tw, "  token\tmake token ROLE=admin\t(or: go run ./infra/local/cmd/token -role admin)\n")
	fmt.Fprintf(tw, "Press Ctrl-C to stop.\n\n")
	tw.Flush()
}

// redact masks the password of a connection URL.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
