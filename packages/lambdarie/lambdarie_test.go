package lambdarie_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/lambdarie"
)

type answer struct {
	Env    map[string]string `json:"env"`
	Claims map[string]string `json:"claims"`
	Path   string            `json:"path"`
}

func TestFunction(t *testing.T) {
	t.Setenv("LAMBDARIE_TEST_LEAK", "from the test process")
	bootstrap := lambdarie.Build(t, "testdata/echo")
	log := &syncBuilder{}
	fn := lambdarie.Start(t, lambdarie.Options{
		Bootstrap: bootstrap,
		Env:       map[string]string{"GREETING": "hello", "AWS_REGION": "eu-west-3"},
		Log:       log,
	})
	if _, err := fn.RSS(); err == nil {
		t.Errorf("RSS before the first invoke succeeded; the bootstrap starts on the first invoke")
	}

	claims := map[string]string{"sub": "acct-1", "roles": "[customer]"}
	var got answer
	for i := range 3 {
		resp, err := fn.InvokeHTTP(t.Context(), event("/v1/things", claims))
		if err != nil {
			t.Fatalf("invoke %d: %v\n%s", i, err, log.String())
		}
		if resp.StatusCode != 200 {
			t.Fatalf("invoke %d: status %d", i, resp.StatusCode)
		}
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("environment", func(t *testing.T) {
		if got.Env["GREETING"] != "hello" {
			t.Errorf("GREETING = %q, want the given value", got.Env["GREETING"])
		}
		if got.Env["AWS_REGION"] != "eu-west-3" {
			t.Errorf("AWS_REGION = %q, want Env over RuntimeEnv", got.Env["AWS_REGION"])
		}
		if _, ok := got.Env["LAMBDARIE_TEST_LEAK"]; ok {
			t.Errorf("the function sees the test process's environment")
		}
		for _, name := range []string{"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ACCESS_KEY_ID", "TZ"} {
			if got.Env[name] == "" {
				t.Errorf("%s is not set; the runtime sets it", name)
			}
		}
		if got.Env["HTTPS_PROXY"] == "" || !strings.Contains(got.Env["NO_PROXY"], "127.0.0.1") {
			t.Errorf("HTTPS_PROXY %q, NO_PROXY %q: want the guard that keeps requests off the network", got.Env["HTTPS_PROXY"], got.Env["NO_PROXY"])
		}
		if api := got.Env["AWS_LAMBDA_RUNTIME_API"]; strings.HasSuffix(api, ":9001") {
			t.Errorf("AWS_LAMBDA_RUNTIME_API = %s, the emulator's fixed default", api)
		}
	})
	t.Run("claims", func(t *testing.T) {
		if got.Claims["sub"] != "acct-1" || got.Claims["roles"] != "[customer]" {
			t.Errorf("claims %v, want %v", got.Claims, claims)
		}
	})
	t.Run("timings", func(t *testing.T) {
		inv := fn.Invocations()
		if len(inv) != 3 {
			t.Fatalf("%d invocations recorded, want 3", len(inv))
		}
		if inv[0].Init <= 0 || fn.Init() != inv[0].Init {
			t.Errorf("first invoke Init = %v, want the emulator's Init Duration", inv[0].Init)
		}
		if inv[1].Init != 0 || inv[2].Init != 0 {
			t.Errorf("warm invokes have an Init: %+v", inv[1:])
		}
		for i, v := range inv {
			if v.Duration <= 0 || v.RoundTrip < v.Duration || v.RequestID == "" {
				t.Errorf("invocation %d: %+v", i, v)
			}
		}
		t.Logf("emulator ready %v, init %v, first invoke %v, warm %v", fn.Ready(), fn.Init(), fn.FirstInvoke(), inv[2].Duration)
	})
	t.Run("rss", func(t *testing.T) {
		rss, err := fn.RSS()
		if err != nil {
			t.Fatal(err)
		}
		if rss < 1<<20 {
			t.Errorf("RSS %d bytes, implausibly small", rss)
		}
		t.Logf("bootstrap RSS %.1f MB", float64(rss)/(1<<20))
	})
	t.Run("function error", func(t *testing.T) {
		_, err := fn.InvokeHTTP(t.Context(), event("/fail", nil))
		if !errors.Is(err, lambdarie.ErrFunction) || !strings.Contains(err.Error(), "failed on purpose") {
			t.Errorf("InvokeHTTP = %v, want ErrFunction with the message", err)
		}
	})
	t.Run("crash", func(t *testing.T) {
		if _, err := fn.InvokeHTTP(t.Context(), event("/exit", nil)); !errors.Is(err, lambdarie.ErrFunction) {
			t.Errorf("InvokeHTTP of a crashing bootstrap = %v, want ErrFunction", err)
		}
	})
}

// A bootstrap that exits during init, as one whose configuration is
// incomplete does: the invoke fails and the log says why.
func TestInitFailure(t *testing.T) {
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(bootstrap, []byte("#!/bin/sh\necho 'MONGODB_URI is not set' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := &syncBuilder{}
	fn := lambdarie.Start(t, lambdarie.Options{Bootstrap: bootstrap, Log: out})
	_, err := fn.InvokeHTTP(t.Context(), event("/", nil))
	if !errors.Is(err, lambdarie.ErrFunction) {
		t.Errorf("InvokeHTTP = %v, want ErrFunction", err)
	}
	fn.Close()
	if !strings.Contains(out.String(), "MONGODB_URI is not set") {
		t.Errorf("the log lacks the bootstrap's message:\n%s", out)
	}
}

// syncBuilder is a strings.Builder safe for the emulator's writer and the
// test.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBuildFails(t *testing.T) {
	ft := &fatalTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		lambdarie.Build(ft, "testdata/missing")
	}()
	if !ft.failed {
		t.Errorf("Build of a missing package did not fail the test")
	}
}

// fatalTB records Fatalf and stops the goroutine with a panic the caller
// recovers.
type fatalTB struct {
	testing.TB
	failed bool
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.failed = true
	panic("fatal")
}

func event(path string, claims map[string]string) events.APIGatewayV2HTTPRequest {
	e := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "GET " + path,
		RawPath:        path,
		Headers:        map[string]string{"accept": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path}},
	}
	if claims != nil {
		e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return e
}
