package quartet_test

import (
	"testing"

	quartet "example.com/quartet/infra/aws"
)

func TestParseStage(t *testing.T) {
	for _, name := range []string{"dev", "staging", "prod", "pr-123", "alice", "a", "a1-b2-c3", "abcdefghijklmnopqrst"} {
		if _, err := quartet.ParseStage(name); err != nil {
			t.Errorf("ParseStage(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "Dev", "1dev", "-dev", "dev-", "pr--1", "pr_1", "pr.1", "dev/x", "abcdefghijklmnopqrstu", "prod ", "local"} {
		if _, err := quartet.ParseStage(name); err == nil {
			t.Errorf("ParseStage(%q) accepted an invalid name", name)
		}
	}
}

func TestStageDurable(t *testing.T) {
	for name, want := range map[quartet.Stage]bool{"prod": true, "staging": true, "dev": false, "pr-7": false, "production": false} {
		if got := name.Durable(); got != want {
			t.Errorf("Stage(%q).Durable() = %v, want %v", name, got, want)
		}
	}
}
