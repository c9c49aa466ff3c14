package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestTarget(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, gatewayURLFile), []byte("http://127.0.0.1:18080\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     config
		want    string
		wantErr bool
	}{
		{name: "make dev's URL", cfg: config{dataDir: dir}, want: "http://127.0.0.1:18080"},
		{name: "loopback URL", cfg: config{url: "http://localhost:9000/"}, want: "http://localhost:9000"},
		{name: "IPv6 loopback", cfg: config{url: "http://[::1]:9000"}, want: "http://[::1]:9000"},
		{name: "remote without -remote", cfg: config{url: "https://api.example.com"}, wantErr: true},
		{name: "remote with -remote", cfg: config{url: "https://api.example.com", remote: true}, want: "https://api.example.com"},
		{name: "not a URL", cfg: config{url: "127.0.0.1:8080"}, wantErr: true},
		{name: "no make dev", cfg: config{dataDir: t.TempDir()}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target(tt.cfg)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("target = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	for _, args := range [][]string{
		{"-duration", "11m"},
		{"-duration", "0s"},
		{"-saturate", "-rate", "3"},
		{"-compare", "-url", "http://127.0.0.1:1"},
		{"-rounds", "0"},
		{"extra"},
	} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("parseConfig(%q): nil error", args)
		}
	}
	cfg, err := parseConfig([]string{"-journeys", "browse,search", "-rate", "2.5"}, io.Discard)
	if err != nil || len(cfg.journeys) != 2 || cfg.rate != 2.5 {
		t.Errorf("parseConfig = %+v, %v", cfg, err)
	}
}
