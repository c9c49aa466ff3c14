package catalog_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/quartet/packages/budget"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/services/catalog"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConfigFromEnv(t *testing.T) {
	for _, tt := range []struct {
		name       string
		env        map[string]string
		wantEngine string
		wantErr    string
	}{
		{"postgres by default", map[string]string{"DATABASE_URL": "postgres://db"}, catalog.EnginePostgres, ""},
		{"postgres", map[string]string{"CATALOG_DB_ENGINE": "postgres", "DATABASE_URL": "postgres://db"}, catalog.EnginePostgres, ""},
		{"mysql", map[string]string{"CATALOG_DB_ENGINE": "mysql", "DATABASE_URL": "u@tcp(db:3306)/catalog"}, catalog.EngineMySQL, ""},
		{"unknown engine", map[string]string{"CATALOG_DB_ENGINE": "oracle", "DATABASE_URL": "x"}, "", `CATALOG_DB_ENGINE: unknown database engine "oracle"`},
		{"no URL", map[string]string{"CATALOG_DB_ENGINE": "mysql"}, "", "DATABASE_URL is not set"},
		{"IAM auth", map[string]string{"DATABASE_URL": "postgres://catalog@proxy/catalog", "DATABASE_IAM_AUTH": "true", "AWS_REGION": "eu-west-1"}, catalog.EnginePostgres, ""},
		{"IAM auth off", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "false"}, catalog.EnginePostgres, ""},
		{"IAM auth without region", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "true"}, "", "AWS_REGION is not set"},
		{"IAM auth not a bool", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "yes please"}, "", `DATABASE_IAM_AUTH "yes please"`},
		{"budget", map[string]string{"DATABASE_URL": "postgres://db", "REQUEST_BUDGET": "1500ms"}, catalog.EnginePostgres, ""},
		{"bad budget", map[string]string{"DATABASE_URL": "postgres://db", "REQUEST_BUDGET": "2"}, "", "REQUEST_BUDGET: want a positive duration"},
		{"IAM auth", map[string]string{"DATABASE_URL": "postgres://catalog@proxy/catalog", "DATABASE_IAM_AUTH": "true", "AWS_REGION": "eu-west-1"}, catalog.EnginePostgres, ""},
		{"IAM auth off", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "false"}, catalog.EnginePostgres, ""},
		{"IAM auth without region", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "true"}, "", "AWS_REGION is not set"},
		{"IAM auth not a bool", map[string]string{"DATABASE_URL": "postgres://db", "DATABASE_IAM_AUTH": "yes please"}, "", `DATABASE_IAM_AUTH "yes please"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := catalog.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ConfigFromEnv: got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if wantIAM := tt.env["DATABASE_IAM_AUTH"] == "true"; cfg.IAMAuth != wantIAM || cfg.Region != tt.env["AWS_REGION"] && wantIAM {
				t.Errorf("ConfigFromEnv = %+v, want IAMAuth %v and region %q", cfg, wantIAM, tt.env["AWS_REGION"])
			}
			if cfg.Engine != tt.wantEngine || cfg.DatabaseURL != tt.env["DATABASE_URL"] {
				t.Errorf("ConfigFromEnv = %+v, want engine %q and the DATABASE_URL", cfg, tt.wantEngine)
			}
			wantBudget := budget.Default
			if v := tt.env["REQUEST_BUDGET"]; v != "" {
				wantBudget, _ = time.ParseDuration(v)
			}
			if cfg.RequestBudget != wantBudget {
				t.Errorf("RequestBudget = %v, want %v", cfg.RequestBudget, wantBudget)
			}
		})
	}
}

func TestNewUnknownEngine(t *testing.T) {
	_, err := catalog.New(t.Context(), catalog.Config{Engine: "sqlite", DatabaseURL: "x"}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), `unknown database engine "sqlite"`) {
		t.Errorf("New with an unknown engine: %v", err)
	}
}

// TestEngines assembles the context on each engine through New, exactly as
// the Lambda and the migrate command do, and serves the same requests
// through its handler: callers do not change with the database.
func TestEngines(t *testing.T) {
	engines := []struct {
		engine   string
		database func(testing.TB) string
	}{
		{catalog.EnginePostgres, pgtest.External},
		{catalog.EngineMySQL, mysqltest.External},
	}
	found := make(map[string][]string) // engine -> SKUs found by the search
	for _, e := range engines {
		t.Run(e.engine, func(t *testing.T) {
			cfg := catalog.Config{Engine: e.engine, DatabaseURL: e.database(t)}
			app, err := catalog.New(t.Context(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer app.Close()
			for range 2 { // both are idempotent
				if err := app.Migrate(t.Context()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				if err := app.Seed(t.Context()); err != nil {
					t.Fatalf("Seed: %v", err)
				}
			}

			var page struct {
				Items []struct {
					SKU, Name, Description string
				}
				NextCursor string
			}
			get(t, app.Handler(), "/v1/products?limit=5", &page)
			if len(page.Items) != 5 || page.NextCursor == "" {
				t.Errorf("first page: %d products and cursor %q, want 5 and a cursor", len(page.Items), page.NextCursor)
			}

			get(t, app.Handler(), "/v1/products?q=walnut&limit=100", &page)
			for _, p := range page.Items {
				if !strings.Contains(strings.ToLower(p.Name+" "+p.Description), "walnut") {
					t.Errorf("search for walnut found %s %q: %q", p.SKU, p.Name, p.Description)
				}
				found[e.engine] = append(found[e.engine], p.SKU)
			}
			if len(page.Items) == 0 {
				t.Errorf("search for walnut found nothing")
			}

			var categories struct{ Items []struct{ Slug string } }
			get(t, app.Handler(), "/v1/categories", &categories)
			if len(categories.Items) == 0 {
				t.Errorf("no categories after Seed")
			}
		})
	}
	pg, my := found[catalog.EnginePostgres], found[catalog.EngineMySQL]
	if pg != nil && my != nil && !slices.Equal(pg, my) {
		t.Errorf("search for walnut: postgres found %v, mysql %v", pg, my)
	}
}

// get serves GET path with h and decodes its 200 response into v.
func get(t *testing.T, h http.Handler, path string, v any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
