package main

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/infra/local/internal/system"
	"example.com/quartet/packages/dynamolocal"
	"example.com/quartet/packages/embeddedpg"
	"example.com/quartet/packages/event"
	"example.com/quartet/packages/faultproxy"
	"example.com/quartet/services/accounts"
)

// The harness of the fault tests of issue 11 (crash_test.go,
// storefaults_test.go): make dev run as a child process (this test binary,
// which then runs run as main does) that a test kills with SIGKILL and
// starts again on the same data directory, or run in this process with
// options; catalog's PostgreSQL behind a faultproxy; tokens for customers
// of a system; and the bus's queues and dead letters, read through the
// gateway.

// devChildEnv, when set, makes this test binary a child of a fault test:
// make dev on the data directory in devChildDataEnv, publishing its events
// as the variable's value says (publishOnce or publishTwice) until it gets
// SIGUSR1, from which on every publish fails (publishingFails on stdout
// says so).
const (
	devChildEnv     = "QUARTET_DEV_CHILD"
	devChildDataEnv = "QUARTET_DEV_CHILD_DATA"
	publishOnce     = "once"
	publishTwice    = "twice" // every batch of events is published twice: duplicates
	publishingFails = "the fault test's child: publishing fails from now on"
)

// faultDeadline bounds the wait for an outcome after a restart or a fault:
// a start's sweeps, a few deliveries and their retries, on a loaded machine.
const faultDeadline = 2 * time.Minute

// errPublishingOff is what a child's producers get from every publish once
// the test switched publishing off.
var errPublishingOff = errors.New("publishing switched off by the fault test")

// devChild runs make dev as a fault test's child, until SIGINT or SIGTERM
// (a clean stop) or SIGKILL.
func devChild(mode string) int {
	if mode != publishOnce && mode != publishTwice {
		fmt.Fprintf(os.Stderr, "%s=%q: want %q or %q\n", devChildEnv, mode, publishOnce, publishTwice)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := &switchedPublisher{twice: mode == publishTwice}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			p.off.Store(true)
			fmt.Println(publishingFails)
		}
	}()
	dir := os.Getenv(devChildDataEnv)
	args := []string{"-addr", "127.0.0.1:0", "-data", dir, "-web", filepath.Join(dir, "no-web"), "-free-ports"}
	if err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr, func(c *system.Config) { c.WrapPublisher = p.wrap }); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		return 1
	}
	return 0
}

// switchedPublisher is the bus as a child's producers see it: it publishes
// once or twice, or fails once switched off.
type switchedPublisher struct {
	bus   event.Publisher
	twice bool
	off   atomic.Bool
}

func (p *switchedPublisher) wrap(b event.Publisher) event.Publisher {
	p.bus = b
	return p
}

func (p *switchedPublisher) Publish(ctx context.Context, events []event.Envelope) error {
	if p.off.Load() {
		return errPublishingOff
	}
	if err := p.bus.Publish(ctx, events); err != nil || !p.twice {
		return err
	}
	return p.bus.Publish(ctx, events)
}

// faultDataDir returns a new data directory for a system, removed at the
// end of the test after stopping what a killed make dev left running on it
// (its PostgreSQL and DynamoDB Local, processes of their own).
func faultDataDir(t *testing.T) string {
	t.Helper()
	// Not t.TempDir, which is 0700 below a 0700 directory: run as root,
	// the embedded PostgreSQL runs as an unprivileged user that must reach
	// its data.
	root, err := os.MkdirTemp("", "quartet-fault-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(root, "data")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := embeddedpg.StopStale(ctx, filepath.Join(dataDir, "postgres")); err != nil {
			t.Errorf("stop the PostgreSQL a killed make dev left: %v", err)
		}
		if _, err := dynamolocal.StopStale(ctx, filepath.Join(dataDir, system.DynamoDBDir)); err != nil {
			t.Errorf("stop the DynamoDB Local a killed make dev left: %v", err)
		}
		os.RemoveAll(root)
	})
	return dataDir
}

// child is make dev running as a child process of the test.
type child struct {
	url            string
	dataDir        string
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	exited         chan struct{} // closed once the process ended
	err            error         // cmd.Wait's, once exited is closed
}

// startChild starts make dev on dataDir as a child process that publishes
// as mode says, with env (such as DATABASE_URL=…) added to its
// environment, and waits for its gateway. The test's end kills it if it
// still runs.
func startChild(t *testing.T, dataDir, mode string, env ...string) *child {
	t.Helper()
	c := &child{dataDir: dataDir, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0])
	c.cmd.Env = append(childEnviron(), devChildEnv+"="+mode, devChildDataEnv+"="+dataDir)
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	})
	gone := make(chan error, 1)
	go func() {
		<-c.exited
		gone <- c.err
	}()
	url, err := waitForGateway(c.stdout, gone, 3*time.Minute)
	if err != nil {
		t.Fatalf("dev: %v\nstderr:\n%s", err, c.stderr.String())
	}
	c.url = url
	return c
}

// childEnviron is the test's environment without what would change the
// child's stores or address.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DATABASE_URL", "ACCOUNTS_DATABASE_URL", "DYNAMODB_ENDPOINT", "MONGODB_URI", "QUARTET_ADDR", devChildEnv, devChildDataEnv:
			continue
		}
		env = append(env, kv)
	}
	return env
}

// failPublishing makes every publish of the child's producers fail from
// now on: their events stay in their outboxes.
func (c *child) failPublishing(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(c.stdout.String(), publishingFails) {
		if time.Now().After(deadline) {
			t.Fatalf("the child did not switch publishing off:\n%s", c.stdout.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill9 kills the child with SIGKILL, as `kill -9` does: nothing of it
// runs after the signal, neither its shutdown nor its relays' sweeps.
func (c *child) kill9(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
	case <-time.After(time.Minute):
		t.Fatal("the child did not end within a minute of SIGKILL")
	}
	var exit *exec.ExitError
	if !errors.As(c.err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, want killed by SIGKILL\nstderr:\n%s", c.err, c.stderr.String())
	}
}

// stop stops the child as Ctrl-C does and waits for it to exit 0.
func (c *child) stop(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
	case <-time.After(time.Minute):
		t.Fatal("the child did not end within a minute of SIGINT")
	}
	if c.err != nil {
		t.Errorf("the child ended with %v after SIGINT\nstderr:\n%s", c.err, c.stderr.String())
	}
}

// inProcess is run in the test's process, with options.
type inProcess struct {
	url     string
	dataDir string
	stdout  *syncBuffer
	stderr  *syncBuffer // dev's log
}

// startInProcess runs dev on dataDir in this process, with env as its
// environment and options changing its system's configuration, and waits
// for its gateway; the test's end stops it as Ctrl-C does.
func startInProcess(t *testing.T, dataDir string, env map[string]string, options ...func(*system.Config)) *inProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &inProcess{dataDir: dataDir, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	args := []string{"-addr", "127.0.0.1:0", "-data", dataDir, "-web", filepath.Join(dataDir, "no-web"), "-free-ports"}
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, in.stdout, in.stderr, options...)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after Ctrl-C: %v", err)
			}
		case <-time.After(time.Minute):
			t.Errorf("run did not return within a minute of Ctrl-C")
		}
	})
	url, err := waitForGateway(in.stdout, done, 3*time.Minute)
	if err != nil {
		t.Fatalf("dev: %v\nstderr:\n%s", err, in.stderr.String())
	}
	in.url = url
	return in
}

// proxiedPostgres starts a PostgreSQL server of the test's (the binaries
// make dev runs, a temporary cluster) behind a faultproxy. It returns the
// URL of its postgres database through the proxy, for catalog, and
// directly, for the test's own queries.
func proxiedPostgres(t *testing.T) (proxied, direct string, p *faultproxy.Proxy) {
	t.Helper()
	srv, err := embeddedpg.Start(t.Context(), embeddedpg.Options{})
	if err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	})
	direct = srv.URL("postgres")
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	p, err = faultproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	u.Host = p.Addr()
	return u.String(), direct, p
}

// signInAt signs in at the gateway at base and returns the access token.
func signInAt(t *testing.T, base, email, password string) string {
	t.Helper()
	r := callAt(t, base, http.MethodPost, "/v1/sessions", "", map[string]string{"email": email, "password": password})
	want(t, r, http.StatusOK, "sign in "+email)
	var s struct{ AccessToken string }
	r.decode(t, &s)
	return s.AccessToken
}

// customersAt returns a token for each customer id in subs on the system
// at base whose data is in dataDir: the demo customer's claims (issued by
// that system's gateway) with the subject replaced, signed with accounts'
// key from the data directory. After a restart, on a new port, the same
// customers get new tokens.
func customersAt(t *testing.T, base, dataDir string, subs []string) []string {
	t.Helper()
	key := signingKeyIn(t, dataDir)
	header, claims := parts(t, signInAt(t, base, accounts.DemoCustomerEmail, accounts.DemoCustomerPassword))
	tokens := make([]string, len(subs))
	for i, sub := range subs {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		c["sub"] = sub
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		tok.Header["kid"] = header["kid"]
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = s
	}
	return tokens
}

// signingKeyIn reads accounts' signing key from a data directory.
func signingKeyIn(t *testing.T, dataDir string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "accounts-signing-key.pem"))
	if err != nil {
		t.Fatalf("accounts' signing key: %v", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("accounts' signing key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("accounts' signing key is a %T, want an RSA key", k)
	}
	return key
}

// newUUIDs returns n random UUIDs.
func newUUIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = newUUID()
	}
	return ids
}

// within is eventually with its own deadline.
func within(t *testing.T, d time.Duration, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		last := check()
		if last == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still not %s: %s", d, what, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// deadLetters reads the bus's dead letters and queues through the gateway
// at base, as cmd/deadletters does.
func deadLetters(t *testing.T, base string) bus.DeadLettersDoc {
	t.Helper()
	r := callAt(t, base, http.MethodGet, bus.DeadLettersPath, "", nil)
	var doc bus.DeadLettersDoc
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", bus.DeadLettersPath, r.status, r.body)
	}
	r.decode(t, &doc)
	return doc
}

// drained returns "" once no event waits in any consumer's queue (nor is
// being handled) and there is no dead letter: every event published so far
// was handled, its duplicates included.
func drained(t *testing.T, base string) func() string {
	return func() string {
		doc := deadLetters(t, base)
		if len(doc.Items) > 0 {
			return fmt.Sprintf("%d dead letters: %+v", len(doc.Items), doc.Items)
		}
		for consumer, n := range doc.Queued {
			if n > 0 {
				return fmt.Sprintf("queued %v (%s)", doc.Queued, consumer)
			}
		}
		return ""
	}
}

// logLines returns the lines of log that contain every one of parts.
func logLines(log string, parts ...string) []string {
	var out []string
	for line := range strings.Lines(log) {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// checkErrors fails t for each ERROR line of log that contains none of
// allowed.
func checkErrors(t *testing.T, what, log string, allowed ...string) {
	t.Helper()
	for _, line := range logLines(log, "level=ERROR") {
		if !slices.ContainsFunc(allowed, func(a string) bool { return strings.Contains(line, a) }) {
			t.Errorf("%s logged an error: %s", what, line)
		}
	}
}
