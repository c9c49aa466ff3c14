package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/services/accounts/internal/pscale"
)

// fakePlanetScale is an httptest stand-in for PlanetScale's API, built
// from its documented request and response shapes, for one database.
type fakePlanetScale struct {
	t *testing.T

	mu        sync.Mutex
	branches  map[string]*fakeBranch
	passwords []pscale.PasswordRequest
	deploys   []map[string]string
	deleted   []string
	calls     []string
	fail      int // when not 0, every call answers this status
}

type fakeBranch struct {
	parent       string
	notReadyGets int // GETs that still answer ready: false
}

const (
	org, database = "acme", "quartet"
	tokenID       = "tok-id"
	tokenSecret   = "tok-secret"
)

func newFake(t *testing.T) (*fakePlanetScale, *pscale.Client) {
	f := &fakePlanetScale{t: t, branches: map[string]*fakeBranch{"main": {}}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, &pscale.Client{BaseURL: srv.URL + "/v1", Organization: org, Database: database, TokenID: tokenID, Token: tokenSecret}
}

func (f *fakePlanetScale) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if v != nil {
			_ = json.NewEncoder(w).Encode(v)
		}
	}
	if r.Header.Get("Authorization") != tokenID+":"+tokenSecret {
		answer(401, map[string]string{"code": "unauthorized", "message": "bad service token"})
		return
	}
	if f.fail != 0 {
		answer(f.fail, map[string]string{"code": "internal_error", "message": "something broke"})
		return
	}
	prefix := "/v1/organizations/" + org + "/databases/" + database + "/"
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		answer(404, map[string]string{"code": "not_found", "message": "Not Found"})
		return
	}
	parts := strings.Split(rest, "/")
	var body map[string]any
	if r.Body != nil && r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	branchJSON := func(name string, b *fakeBranch) map[string]any {
		return map[string]any{"id": "br-" + name, "name": name, "parent_branch": b.parent,
			"production": name == "main", "ready": b.notReadyGets == 0, "created_at": "2025-03-14T15:09:26.000Z"}
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "branches":
		b, ok := f.branches[parts[1]]
		if !ok {
			answer(404, map[string]string{"code": "not_found", "message": "Not Found"})
			return
		}
		resp := branchJSON(parts[1], b)
		if b.notReadyGets > 0 {
			b.notReadyGets--
		}
		answer(200, resp)
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "branches":
		name, _ := body["name"].(string)
		parent, _ := body["parent_branch"].(string)
		if _, exists := f.branches[parent]; !exists {
			answer(422, map[string]string{"code": "unprocessable", "message": "parent branch does not exist"})
			return
		}
		b := &fakeBranch{parent: parent, notReadyGets: 2}
		f.branches[name] = b
		resp := branchJSON(name, b)
		resp["ready"] = false
		answer(201, resp)
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "branches":
		if _, ok := f.branches[parts[1]]; !ok {
			answer(404, map[string]string{"code": "not_found", "message": "Not Found"})
			return
		}
		delete(f.branches, parts[1])
		f.deleted = append(f.deleted, parts[1])
		answer(204, nil)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "branches" && parts[2] == "passwords":
		if _, ok := f.branches[parts[1]]; !ok {
			answer(404, map[string]string{"code": "not_found", "message": "Not Found"})
			return
		}
		req := pscale.PasswordRequest{}
		req.Name, _ = body["name"].(string)
		req.Role, _ = body["role"].(string)
		if ttl, ok := body["ttl"].(float64); ok {
			req.TTL = int(ttl)
		}
		f.passwords = append(f.passwords, req)
		answer(201, map[string]any{"id": "pw-1", "name": req.Name, "role": req.Role, "ttl": req.TTL,
			"username": "user-" + req.Role, "plain_text": "pscale_pw_" + req.Role,
			"access_host_url": "aws.connect.psdb.cloud", "expires_at": "2025-04-13T15:09:26.000Z"})
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "deploy-requests":
		d := map[string]string{}
		for k, v := range body {
			d[k], _ = v.(string)
		}
		f.deploys = append(f.deploys, d)
		answer(201, map[string]any{"id": "dr-1", "number": 7, "state": "open", "branch": d["branch"],
			"into_branch": d["into_branch"], "html_url": "https://app.planetscale.com/acme/quartet/deploy-requests/7"})
	default:
		answer(404, map[string]string{"code": "not_found", "message": "Not Found"})
	}
}

// newProvisioner returns a provisioner on api whose migrations record the
// DSN they were given, and its secret store.
func newProvisioner(t *testing.T, api *pscale.Client) (*provisioner, FileSecrets, *[]string) {
	secrets := FileSecrets{Dir: t.TempDir()}
	var migrated []string
	return &provisioner{
		api: api, secrets: secrets, productionBranch: "main", passwordTTL: 30 * 24 * time.Hour,
		out: &bytes.Buffer{}, pollFirst: time.Millisecond, pollMax: 4 * time.Millisecond,
		migrate: func(_ context.Context, dsn string) error {
			migrated = append(migrated, dsn)
			return nil
		},
	}, secrets, &migrated
}

func TestBranchExists(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main"}
	p, secrets, migrated := newProvisioner(t, api)
	if err := p.Branch(t.Context(), "alice"); err != nil {
		t.Fatalf("Branch: %v", err)
	}
	for _, call := range fake.calls {
		if call == "POST /v1/organizations/acme/databases/quartet/branches" {
			t.Errorf("created a branch that exists")
		}
	}
	checkProvisioned(t, fake, secrets, *migrated)
}

func TestBranchCreatedAndAwaited(t *testing.T) {
	fake, api := newFake(t)
	p, secrets, migrated := newProvisioner(t, api)
	if err := p.Branch(t.Context(), "alice"); err != nil {
		t.Fatalf("Branch: %v", err)
	}
	b, ok := fake.branches["alice"]
	if !ok || b.parent != "main" {
		t.Fatalf("branch alice: %+v, %v; want one created from main", b, ok)
	}
	gets := 0
	for _, call := range fake.calls {
		if call == "GET /v1/organizations/acme/databases/quartet/branches/alice" {
			gets++
		}
	}
	// One GET finds no branch; the fake answers "not ready" to the next two.
	if gets != 4 {
		t.Errorf("%d GETs of the branch, want 4 (missing, not ready twice, ready)", gets)
	}
	checkProvisioned(t, fake, secrets, *migrated)
}

func TestBranchNeverReady(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main", notReadyGets: 1 << 30}
	p, secrets, migrated := newProvisioner(t, api)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := p.Branch(ctx, "alice")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Branch of a branch never ready: got %v, want the deadline", err)
	}
	checkNothingProvisioned(t, fake, secrets, *migrated)
}

func TestBranchAPIError(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		token  string
	}{
		{"server error", 500, tokenSecret},
		{"forbidden", 403, tokenSecret},
		{"bad token", 0, "wrong"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake, api := newFake(t)
			fake.fail, api.Token = tt.status, tt.token
			p, secrets, migrated := newProvisioner(t, api)
			err := p.Branch(t.Context(), "alice")
			var apiErr *pscale.Error
			if !errors.As(err, &apiErr) || errors.Is(err, pscale.ErrNotFound) {
				t.Fatalf("Branch: got %v, want an API error", err)
			}
			checkNothingProvisioned(t, fake, secrets, *migrated)
		})
	}
}

func TestBranchMigrationFails(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main"}
	p, secrets, _ := newProvisioner(t, api)
	errBroken := errors.New("broken migration")
	p.migrate = func(context.Context, string) error { return errBroken }
	if err := p.Branch(t.Context(), "alice"); !errors.Is(err, errBroken) {
		t.Fatalf("Branch: got %v, want %v", err, errBroken)
	}
	if _, err := secrets.Get(t.Context(), SecretName("alice")); err == nil {
		t.Errorf("stored a DSN for a branch whose migration failed")
	}
}

// TestBranchAppliesMigrations runs the real migrations, against the
// embedded MySQL server instead of the branch's host.
func TestBranchAppliesMigrations(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main"}
	p, _, _ := newProvisioner(t, api)
	local := mysqltest.Embedded(t)
	p.migrate = func(ctx context.Context, dsn string) error {
		cfg, err := gomysql.ParseDSN(dsn)
		if err != nil || cfg.Addr != "aws.connect.psdb.cloud:3306" || cfg.TLSConfig != "true" {
			t.Errorf("migrating through %v (%v), want the branch host over TLS", cfg, err)
		}
		return migrateDSN(ctx, local)
	}
	if err := p.Branch(t.Context(), "alice"); err != nil {
		t.Fatalf("Branch: %v", err)
	}
	db, err := sql.Open("mysql", local)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != 2 {
		t.Errorf("schema_migrations has %d rows (%v), want 2", n, err)
	}
}

func TestPromote(t *testing.T) {
	fake, api := newFake(t)
	p, _, _ := newProvisioner(t, api)
	if err := p.Promote(t.Context(), "alice"); err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if len(fake.deploys) != 1 || fake.deploys[0]["branch"] != "alice" || fake.deploys[0]["into_branch"] != "main" {
		t.Errorf("deploy requests %v, want one from alice into main", fake.deploys)
	}
}

func TestDelete(t *testing.T) {
	fake, api := newFake(t)
	fake.branches["alice"] = &fakeBranch{parent: "main"}
	p, secrets, _ := newProvisioner(t, api)
	if err := secrets.Put(t.Context(), SecretName("alice"), "dsn"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(t.Context(), "alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok := fake.branches["alice"]; ok {
		t.Errorf("branch alice still exists")
	}
	if _, err := secrets.Get(t.Context(), SecretName("alice")); err == nil {
		t.Errorf("secret still exists")
	}
	if err := p.Delete(t.Context(), "alice"); err != nil {
		t.Errorf("Delete of a deleted branch: %v", err)
	}
}

func TestRefusesProductionAndBadNames(t *testing.T) {
	fake, api := newFake(t)
	p, _, _ := newProvisioner(t, api)
	for _, stage := range []string{"main", "", "Alice", "a/b", "-x"} {
		for name, op := range map[string]func(context.Context, string) error{"Branch": p.Branch, "Promote": p.Promote, "Delete": p.Delete} {
			if err := op(t.Context(), stage); err == nil {
				t.Errorf("%s(%q) succeeded, want it refused", name, stage)
			}
		}
	}
	if len(fake.calls) != 0 {
		t.Errorf("refused stages reached the API: %v", fake.calls)
	}
}

// checkProvisioned checks that the branch was migrated with an admin
// password and that the stage's secret holds the DSN of a readwriter
// password with the TTL.
func checkProvisioned(t *testing.T, fake *fakePlanetScale, secrets FileSecrets, migrated []string) {
	t.Helper()
	if len(fake.passwords) != 2 || fake.passwords[0].Role != "admin" || fake.passwords[1].Role != "readwriter" {
		t.Fatalf("passwords %+v, want an admin one then a readwriter one", fake.passwords)
	}
	if got, want := fake.passwords[1].TTL, 30*24*3600; got != want {
		t.Errorf("password TTL %d s, want %d", got, want)
	}
	if len(migrated) != 1 || !strings.HasPrefix(migrated[0], "user-admin:pscale_pw_admin@tcp(aws.connect.psdb.cloud:3306)/quartet?") {
		t.Errorf("migrated %v, want once through the admin password", migrated)
	}
	dsn, err := secrets.Get(t.Context(), SecretName("alice"))
	if err != nil {
		t.Fatalf("secret: %v", err)
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("stored DSN %q: %v", dsn, err)
	}
	if cfg.User != "user-readwriter" || cfg.Passwd != "pscale_pw_readwriter" || cfg.Addr != "aws.connect.psdb.cloud:3306" ||
		cfg.DBName != database || cfg.TLSConfig != "true" {
		t.Errorf("stored DSN %q, want the readwriter password's, over TLS", dsn)
	}
}

func checkNothingProvisioned(t *testing.T, fake *fakePlanetScale, secrets FileSecrets, migrated []string) {
	t.Helper()
	if len(fake.passwords) != 0 {
		t.Errorf("created passwords %+v, want none", fake.passwords)
	}
	if len(migrated) != 0 {
		t.Errorf("migrated %v, want nothing", migrated)
	}
	if _, err := secrets.Get(t.Context(), SecretName("alice")); err == nil {
		t.Errorf("a secret was stored")
	}
}
