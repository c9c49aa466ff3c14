package workspace_test

import (
	"os"
	"path/filepath"
	"testing"

	"example.com/quartet/infra/local/internal/workspace"
)

func TestRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "infra", "local", "cmd")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, deep} {
		got, err := workspace.Root(dir)
		if err != nil || got != root {
			t.Errorf("Root(%s) = %q, %v; want %q", dir, got, err, root)
		}
	}
}

func TestRootWithoutWorkspace(t *testing.T) {
	// The temporary directory is assumed not to sit below a go.work.
	if got, err := workspace.Root(t.TempDir()); err == nil {
		t.Errorf("Root outside any workspace = %q, want an error", got)
	}
}

func TestPath(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "data")
	if got, err := workspace.Path(abs); err != nil || got != abs {
		t.Errorf("Path(%s) = %q, %v; want it unchanged", abs, got, err)
	}

	// The tests run in infra/local/internal/workspace of the repository.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(wd, "..", "..", "..", "..", ".data")
	if got, err := workspace.Path(".data"); err != nil || got != filepath.Clean(want) {
		t.Errorf("Path(.data) = %q, %v; want %q", got, err, filepath.Clean(want))
	}
}
