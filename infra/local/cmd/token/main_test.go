package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"example.com/quartet/infra/local/internal/devtoken"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantSub   string
		wantRoles string
	}{
		{"default", nil, "dev-customer", "[customer]"},
		{"admin", []string{"-role", "admin"}, "dev-admin", "[admin]"},
		{"roles and subject", []string{"-role", "admin, customer", "-sub", "user-42"}, "user-42", "[admin customer]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			if err := run(append([]string{"-data", dir}, tt.args...), &stdout, &stderr); err != nil {
				t.Fatalf("run: %v (stderr %q)", err, stderr.String())
			}
			authority, err := devtoken.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			claims, err := authority.Verify(context.Background(), strings.TrimSpace(stdout.String()))
			if err != nil {
				t.Fatalf("the printed token %q does not verify with the stored key: %v", stdout.String(), err)
			}
			if got := claims["sub"]; got != tt.wantSub {
				t.Errorf("sub = %v, want %q", got, tt.wantSub)
			}
			if got := fmt.Sprint(claims["roles"]); got != tt.wantRoles {
				t.Errorf("roles = %s, want %s", got, tt.wantRoles)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown flag":        {"-nope"},
		"extra argument":      {"admin"},
		"no role, no subject": {"-role", ""},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(append([]string{"-data", t.TempDir()}, args...), &stdout, &stderr); err == nil {
				t.Errorf("run(%q) succeeded, printing %q; want an error", args, stdout.String())
			}
		})
	}
}
