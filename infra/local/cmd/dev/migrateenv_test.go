package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"example.com/quartet/infra/local/internal/system"
)

// TestWriteMigrateEnv: the files make migrate sources give each context's
// migrate command the running system's stores, exactly, through sh.
func TestWriteMigrateEnv(t *testing.T) {
	dir := filepath.Join(t.TempDir(), MigrateDir)
	stores := system.Stores{
		PostgresURL: "postgres://postgres:it's$ecret@127.0.0.1:15432/postgres?sslmode=disable",
		MySQLDSN:    "root@tcp(127.0.0.1:13306)/accounts",
		MongoURI:    "mongodb://127.0.0.1:27018/",
	}
	if err := writeMigrateEnv(dir, stores, "http://127.0.0.1:8080", "/data dir"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ service, variable, want string }{
		{"catalog", "DATABASE_URL", stores.PostgresURL},
		{"accounts", "DATABASE_URL", stores.MySQLDSN},
		{"accounts", "TOKEN_ISSUER", "http://127.0.0.1:8080"},
		{"accounts", "SIGNING_KEY_DIR", "/data dir"},
		{"reviews", "MONGODB_URI", stores.MongoURI},
		{"reviews", "MONGODB_DATABASE", system.ReviewsDatabase},
	} {
		file := filepath.Join(dir, tt.service+".env")
		out, err := exec.Command("sh", "-c", `set -a; . "$0"; printf %s "$`+tt.variable+`"`, file).Output()
		if err != nil || string(out) != tt.want {
			t.Errorf("%s: %s = %q, %v; want %q", file, tt.variable, out, err, tt.want)
		}
	}
}
