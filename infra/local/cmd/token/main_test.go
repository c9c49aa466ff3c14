package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeAccounts answers POST /v1/sessions for the demo accounts, as the
// gateway in front of accounts does.
func fakeAccounts(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/sessions" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var c struct{ Email, Password string }
		json.NewDecoder(r.Body).Decode(&c)
		for role, demo := range demoAccounts {
			if c.Email == demo[0] && c.Password == demo[1] {
				json.NewEncoder(w).Encode(map[string]any{"accessToken": "token-of-" + role, "tokenType": "Bearer", "expiresIn": 900})
				return
			}
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"title":"wrong email or password","status":401}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	srv := fakeAccounts(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, gatewayURLFile), []byte(srv.URL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"default", []string{"-data", data}, "token-of-customer"},
		{"admin", []string{"-data", data, "-role", "admin"}, "token-of-admin"},
		{"email and password", []string{"-data", data, "-email", "admin@quartet.example", "-password", "quartet-admin-demo"}, "token-of-admin"},
		{"gateway flag", []string{"-data", t.TempDir(), "-gateway", srv.URL + "/", "-role", "admin"}, "token-of-admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), tt.args, func(string) string { return "" }, &stdout, &stderr); err != nil {
				t.Fatalf("run: %v (stderr %q)", err, stderr.String())
			}
			if got := strings.TrimSpace(stdout.String()); got != tt.want {
				t.Errorf("printed %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	srv := fakeAccounts(t)
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	starting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer starting.Close()

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "-nope"},
		{"extra argument", []string{"admin"}, "unexpected"},
		{"unknown role", []string{"-gateway", srv.URL, "-role", "root"}, "admin or customer"},
		{"email without password", []string{"-gateway", srv.URL, "-email", "a@b.example"}, "go together"},
		{"wrong password", []string{"-gateway", srv.URL, "-email", "admin@quartet.example", "-password", "nope-nope-nope"}, "401"},
		{"make dev not running", []string{"-gateway", closed}, "make dev"},
		{"make dev starting", []string{"-gateway", starting.URL}, "still starting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"-data", t.TempDir()}, tt.args...), func(string) string { return "" }, &stdout, &stderr)
			if err == nil {
				t.Fatalf("run(%q) succeeded, printing %q; want an error", tt.args, stdout.String())
			}
			if !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("run(%q) = %v; want it to mention %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestFindGateway(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if got, _ := findGateway(data, getenv); got != "http://127.0.0.1:8080" {
		t.Errorf("default = %q", got)
	}
	env["QUARTET_ADDR"] = "127.0.0.1:9090"
	if got, _ := findGateway(data, getenv); got != "http://127.0.0.1:9090" {
		t.Errorf("with QUARTET_ADDR = %q", got)
	}
	os.WriteFile(filepath.Join(data, gatewayURLFile), []byte("http://127.0.0.1:7070\n"), 0o644)
	if got, _ := findGateway(data, getenv); got != "http://127.0.0.1:7070" {
		t.Errorf("recorded = %q", got)
	}
}
