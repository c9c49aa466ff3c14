package main

import (
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
)

func TestRunNeedsConfiguration(t *testing.T) {
	err := run(context.Background(), func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "MONGODB_URI") {
		t.Fatalf("run without MONGODB_URI: err = %v, want it named", err)
	}
}

// TestDoesNotLinkFerretDB keeps the local stand-in out of the Lambda
// binary: FerretDB and SQLite would add tens of megabytes.
func TestDoesNotLinkFerretDB(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gocmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for dep := range strings.Lines(string(out)) {
		if d := strings.ToLower(dep); strings.Contains(d, "ferretdb") || strings.Contains(d, "sqlite") {
			t.Errorf("the Lambda function depends on %s", strings.TrimSpace(dep))
		}
	}
}
