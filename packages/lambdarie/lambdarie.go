// Package lambdarie runs a Lambda bootstrap the way AWS runs it, under the
// Runtime Interface Emulator (aws-lambda-rie, from
// github.com/aws/aws-lambda-runtime-interface-emulator, pinned in the
// repository's tools module), so that a test can invoke the exact binary a
// stage ships:
//
//	bootstrap := lambdarie.Build(t, "../../services/catalog/cmd/lambda")
//	fn := lambdarie.Start(t, lambdarie.Options{Bootstrap: bootstrap, Env: env})
//	resp, err := fn.InvokeHTTP(ctx, events.APIGatewayV2HTTPRequest{...})
//
// Build compiles with the shipping flags of `make build` for the host
// architecture; Start gives the function exactly the environment it is
// given plus what the Lambda runtime itself sets (RuntimeEnv), with both of
// the emulator's addresses on free loopback ports. Every invocation records
// the emulator's own measures (Init Duration, Duration) and the caller's
// round trip, and RSS reads the bootstrap process's resident memory, so
// that cold and warm invokes can be measured (in benchmarks, never asserted).
//
// It is for tests only: nothing here may be linked into a Lambda.
package lambdarie

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/testenv"
)

// EnvEmulator names the environment variable that may hold the path of an
// aws-lambda-rie binary; when it is empty, Emulator builds the pinned one.
const EnvEmulator = "AWS_LAMBDA_RIE"

// buildFlags are the flags of `make build` after `go build`: no RPC
// runtime, reproducible paths, no symbol tables (CGO_ENABLED=0 is in the
// environment).
var buildFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// Build compiles the main package in dir (a directory, such as
// "../../services/catalog/cmd/lambda", relative to the test's working
// directory) into a file named bootstrap under a temporary directory, for
// the host's architecture with the shipping flags (CGO_ENABLED=0,
// GOOS=linux, -tags lambda.norpc, -trimpath, -ldflags=-s -w), and returns
// its path. The build runs in dir, so it uses dir's module, and go.work
// unless GOWORK=off. A failed build fails tb.
func Build(tb testing.TB, dir string) string {
	tb.Helper()
	goBin := goCommand(tb)
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatalf("lambdarie: %v", err)
	}
	out := filepath.Join(tb.TempDir(), "bootstrap")
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", out, ".")
	cmd := exec.Command(goBin, args...)
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if output, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("lambdarie: go build in %s: %v\n%s", abs, err, output)
	}
	return out
}

// Emulator returns the path of aws-lambda-rie: the file named by
// $AWS_LAMBDA_RIE, or else the version pinned in the tools module of the
// repository around the working directory (tools/go.mod), built by
// `go tool -n aws-lambda-rie` (cached by the go command after the first
// time). Without either it ends tb through testenv.Unavailable: a skip on a
// developer's machine, a failure under CI=true.
func Emulator(tb testing.TB) string {
	tb.Helper()
	if path := os.Getenv(EnvEmulator); path != "" {
		if _, err := os.Stat(path); err != nil {
			tb.Fatalf("lambdarie: %s: %v", EnvEmulator, err)
		}
		return path
	}
	tools, err := toolsModule()
	if err != nil {
		testenv.Unavailable(tb, "lambdarie: no aws-lambda-rie: %v; set %s", err, EnvEmulator)
		return ""
	}
	cmd := exec.Command(goCommand(tb), "tool", "-n", "aws-lambda-rie")
	cmd.Dir = tools
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("lambdarie: go tool -n aws-lambda-rie in %s: %v\n%s", tools, err, stderr.Bytes())
	}
	path := strings.TrimSpace(string(out))
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("lambdarie: go tool -n aws-lambda-rie printed %q: %v", path, err)
	}
	return path
}

// toolsModule finds tools/go.mod in the working directory or above it.
func toolsModule() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "go.mod")); err == nil {
			return filepath.Join(dir, "tools"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no tools/go.mod in the working directory or above it")
		}
		dir = parent
	}
}

func goCommand(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("go")
	if err != nil {
		testenv.Unavailable(tb, "lambdarie: the go command is not available: %v", err)
	}
	return path
}

// RuntimeEnv returns the variables the Lambda service sets for a function
// of the provided.al2023 runtime that the emulator does not set itself,
// with credentials that cannot reach AWS, the region us-east-1 and 1024 MB
// of memory. The emulator adds the rest (AWS_LAMBDA_RUNTIME_API,
// AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
// AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, _HANDLER).
//
// One guard is not Lambda's: HTTP(S)_PROXY names a closed loopback port
// and NO_PROXY exempts loopback, so an HTTP client that ignores the
// stand-in it was pointed at (an AWS SDK client without its endpoint)
// fails at once instead of reaching AWS.
func RuntimeEnv() map[string]string {
	return map[string]string{
		"HTTPS_PROXY":                     unreachableProxy,
		"HTTP_PROXY":                      unreachableProxy,
		"NO_PROXY":                        "127.0.0.1,localhost,::1",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_ACCESS_KEY_ID":               "lambdarie",
		"AWS_SECRET_ACCESS_KEY":           "lambdarie",
		"AWS_SESSION_TOKEN":               "lambdarie",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"LAMBDA_TASK_ROOT":                "/var/task",
		"LAMBDA_RUNTIME_DIR":              "/var/runtime",
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH":                 "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
	}
}

// unreachableProxy is a proxy on the discard port of loopback, where
// nothing listens.
const unreachableProxy = "http://127.0.0.1:9"

// Options configure Start.
type Options struct {
	// Bootstrap is the function's executable, such as Build returns.
	Bootstrap string
	// Env is the function's environment, as its stack sets it. The
	// function sees exactly Env over Runtime, and the variables the
	// emulator adds; nothing of the test process's environment.
	Env map[string]string
	// Runtime are the variables the Lambda service sets; nil means
	// RuntimeEnv(). Env wins where both set a name.
	Runtime map[string]string
	// Log receives the emulator's output and the function's (its logs,
	// and the emulator's START, END and REPORT lines). Nil discards it.
	Log io.Writer
	// Emulator is the aws-lambda-rie binary; empty means Emulator(tb).
	Emulator string
	// Timeout is the function's timeout (AWS_LAMBDA_FUNCTION_TIMEOUT of
	// the emulator); zero means 30 s.
	Timeout time.Duration
}

// Invocation is what one invoke measured.
type Invocation struct {
	// RequestID is the invocation's id (X-Amzn-RequestId).
	RequestID string
	// Init is the platform's INIT REPORT duration: from starting the
	// bootstrap process to the runtime asking for its first event. Only
	// the first invoke of an execution environment has one.
	Init time.Duration
	// Duration is the emulator's REPORT Duration: from handing the event
	// to the runtime to its response.
	Duration time.Duration
	// RoundTrip is the caller's time for the whole invoke request, which
	// includes Init on the first.
	RoundTrip time.Duration
}

// Function is a bootstrap running under the emulator: one execution
// environment, invoked one event at a time, as Lambda does.
type Function struct {
	url     string
	started time.Time
	ready   time.Duration
	cmd     *exec.Cmd
	exited  chan struct{}
	client  *http.Client

	invokeMu sync.Mutex // one invoke at a time, as in an execution environment

	mu          sync.Mutex
	reports     map[string]chan report
	pendingInit time.Duration // from INIT REPORT, for the next REPORT
	invocations []Invocation
}

type report struct{ init, duration time.Duration }

// Start runs opts.Bootstrap under the emulator, listening on free loopback
// ports (the invoke API and the Runtime API alike: never the emulator's
// defaults 8080 and 9001), and returns once the emulator accepts
// connections. The emulator starts the bootstrap on the first invoke, as
// Lambda starts an execution environment on demand. Cleanup stops both
// processes.
func Start(tb testing.TB, opts Options) *Function {
	tb.Helper()
	if opts.Bootstrap == "" {
		tb.Fatal("lambdarie: Options.Bootstrap is empty")
	}
	rie := opts.Emulator
	if rie == "" {
		rie = Emulator(tb)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	env := opts.Runtime
	if env == nil {
		env = RuntimeEnv()
	}
	env = maps.Clone(env)
	maps.Copy(env, opts.Env)
	env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = strconv.Itoa(int(timeout.Round(time.Second) / time.Second))

	invokeAddr, runtimeAddr := freeAddr(tb), freeAddr(tb)
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", runtimeAddr,
		"--log-level", "info", // for its INIT REPORT line
		opts.Bootstrap)
	cmd.Dir = filepath.Dir(opts.Bootstrap)
	cmd.Env = environ(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("lambdarie: %v", err)
	}
	cmd.Stderr = cmd.Stdout // one pipe: StdoutPipe's writer

	f := &Function{
		url:     "http://" + invokeAddr + "/2015-03-31/functions/function/invocations",
		cmd:     cmd,
		exited:  make(chan struct{}),
		client:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}},
		reports: map[string]chan report{},
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	f.started = time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatalf("lambdarie: start %s: %v", rie, err)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		f.scan(out, logw)
	}()
	go func() {
		<-scanned
		_ = cmd.Wait()
		close(f.exited)
	}()
	tb.Cleanup(f.Close)

	if err := f.waitListening(invokeAddr, 10*time.Second); err != nil {
		tb.Fatalf("lambdarie: %v", err)
	}
	f.ready = time.Since(f.started)
	return f
}

func environ(env map[string]string) []string {
	list := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		list = append(list, k+"="+env[k])
	}
	return list
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("lambdarie: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (f *Function) waitListening(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-f.exited:
			return fmt.Errorf("aws-lambda-rie exited before listening on %s: %v", addr, f.cmd.ProcessState)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("aws-lambda-rie is not listening on %s after %v", addr, limit)
		}
	}
}

// reportLine is the emulator's REPORT line of an invoke. Its Init
// Duration measures only the emulator's hand-off (the runtime starts
// asynchronously), so the init time comes from initReportLine, the
// platform's INIT REPORT: from the start of the runtime process to its
// first request for an event.
var (
	reportLine     = regexp.MustCompile(`^REPORT RequestId: (\S+)\s+(?:Init Duration: [0-9.]+ ms\s+)?Duration: ([0-9.]+) ms`)
	initReportLine = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)
)

// scan copies the emulator's output to w and picks out REPORT lines.
func (f *Function) scan(r io.Reader, w io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(w, line)
		if m := initReportLine.FindStringSubmatch(line); m != nil {
			f.mu.Lock()
			f.pendingInit = millis(m[1])
			f.mu.Unlock()
			continue
		}
		m := reportLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f.mu.Lock()
		rep := report{init: f.pendingInit, duration: millis(m[2])}
		f.pendingInit = 0 // the next init is another execution environment's
		if ch, ok := f.reports[m[1]]; ok {
			ch <- rep
			delete(f.reports, m[1])
		}
		f.mu.Unlock()
	}
	_, _ = io.Copy(w, r) // a line longer than the buffer: pass the rest through
}

func millis(s string) time.Duration {
	if s == "" {
		return 0
	}
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// Ready is the time from starting the emulator to its accepting
// connections (the bootstrap is not started yet).
func (f *Function) Ready() time.Duration { return f.ready }

// Invocations returns what every invoke so far measured, in order.
func (f *Function) Invocations() []Invocation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.invocations)
}

// Init is the first invoke's Init (zero before it): the cold start's
// process start to ready.
func (f *Function) Init() time.Duration {
	if inv := f.Invocations(); len(inv) > 0 {
		return inv[0].Init
	}
	return 0
}

// FirstInvoke is the first invoke's Duration (zero before it): the first
// event's handling, after Init.
func (f *Function) FirstInvoke() time.Duration {
	if inv := f.Invocations(); len(inv) > 0 {
		return inv[0].Duration
	}
	return 0
}

// ErrFunction reports an invoke that the function answered with an error
// (the runtime's errorMessage and errorType), or that the emulator could
// not complete (the bootstrap failed to start, crashed or timed out).
var ErrFunction = errors.New("lambdarie: function error")

// Invoke sends payload as one event and returns the function's response
// payload with what the invoke measured. It returns an error wrapping
// ErrFunction if the function failed.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, Invocation, error) {
	f.invokeMu.Lock()
	defer f.invokeMu.Unlock()

	id := newRequestID()
	ch := make(chan report, 1)
	f.mu.Lock()
	f.reports[id] = ch
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.reports, id)
		f.mu.Unlock()
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		return nil, Invocation{}, fmt.Errorf("lambdarie: %w", err)
	}
	req.Header.Set("X-Amzn-RequestId", id)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, Invocation{}, fmt.Errorf("lambdarie: invoke: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	inv := Invocation{RequestID: id, RoundTrip: time.Since(start)}
	if err != nil {
		return nil, inv, fmt.Errorf("lambdarie: invoke: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		why := string(body)
		if resp.StatusCode == http.StatusBadGateway && len(body) == 0 {
			why = "the bootstrap exited during init or the invoke; its output is in Options.Log"
		}
		return body, inv, fmt.Errorf("%w: the emulator answered %s: %s", ErrFunction, resp.Status, why)
	}
	// The emulator prints REPORT before it answers; the line may still be
	// in the pipe.
	select {
	case rep := <-ch:
		inv.Init, inv.Duration = rep.init, rep.duration
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
	}
	f.mu.Lock()
	f.invocations = append(f.invocations, inv)
	f.mu.Unlock()

	var fnErr struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if json.Unmarshal(body, &fnErr) == nil && (fnErr.Type != "" || fnErr.Message != "") {
		return body, inv, fmt.Errorf("%w: %s: %s", ErrFunction, fnErr.Type, fnErr.Message)
	}
	return body, inv, nil
}

// InvokeHTTP invokes the function with an API Gateway HTTP API (payload
// 2.0) event and returns its response. A response that is not one (a
// function error, or a payload that does not decode) is an error.
func (f *Function) InvokeHTTP(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	payload, err := json.Marshal(event)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("lambdarie: %w", err)
	}
	body, _, err := f.Invoke(ctx, payload)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return resp, fmt.Errorf("lambdarie: the response is not an API Gateway v2 response: %w: %.200s", err, body)
	}
	if resp.StatusCode == 0 {
		return resp, fmt.Errorf("lambdarie: the response has no statusCode: %.200s", body)
	}
	return resp, nil
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// BootstrapPID returns the process id of the running bootstrap: the
// emulator's child. It fails before the first invoke, which starts it.
func (f *Function) BootstrapPID() (int, error) {
	parent := f.cmd.Process.Pid
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("lambdarie: %w", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(parent) {
			return pid, nil
		}
	}
	return 0, errors.New("lambdarie: no bootstrap process (it starts on the first invoke)")
}

// RSS returns the resident set size of the bootstrap process in bytes
// (VmRSS of /proc/<pid>/status).
func (f *Function) RSS() (int64, error) {
	pid, err := f.BootstrapPID()
	if err != nil {
		return 0, err
	}
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, fmt.Errorf("lambdarie: %w", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("lambdarie: VmRSS %q: %w", rest, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("lambdarie: no VmRSS in /proc/<pid>/status")
}

// Close stops the bootstrap and the emulator (their process groups) and
// waits for them to exit. Start registers it with tb.Cleanup.
func (f *Function) Close() {
	select {
	case <-f.exited:
		return
	default:
	}
	// The emulator starts the bootstrap in a process group of its own.
	if pid, err := f.BootstrapPID(); err == nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-f.exited:
	case <-time.After(10 * time.Second):
	}
	f.client.CloseIdleConnections()
}
