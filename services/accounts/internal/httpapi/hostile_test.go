package httpapi_test

import (
	"log/slog"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/accounts"
	domain "example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/httpapi"
	"example.com/quartet/services/accounts/internal/mysql"
)

// TestHostileInput sends every route a battery of bad requests: none may
// answer 5xx, and every 4xx must be a problem the document allows.
func TestHostileInput(t *testing.T) {
	hostile(t, newFixture(t))
}

// TestHostileInputMySQL runs the battery on the MySQL store at
// $TEST_MYSQL_URL, which refuses some text the memory store keeps.
func TestHostileInputMySQL(t *testing.T) {
	db, err := mysqlx.Open(mysqltest.External(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := mysql.Migrate(t.Context(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	f := newFixture(t) // for its issuer and log
	svc := domain.NewService(mysql.NewStore(db), cheap)
	f.api = apitest.New(t, accounts.OpenAPI, httpapi.New(svc, f.issuer, slog.New(slog.NewJSONHandler(f.log, nil))))
	hostile(t, f)
}

func hostile(t *testing.T, f *fixture) {
	ann := apitest.Caller(f.signUp(t, "ann@example.com").ID, "customer")
	const address = `{"name":"Ann Lee","lines":["Hauptstraße 1"],"city":"Berlin","postalCode":"10115","country":"DE"}`
	res := f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/me/addresses", Body: address, Claims: ann})
	var a struct{ ID string }
	res.JSON(t, &a)
	if a.ID == "" {
		t.Fatalf("add address: %d %s", res.Status, res.Body)
	}
	apitest.Hostile(t, f.api, apitest.HostileOptions{
		Claims: ann,
		Paths: map[string]string{
			"PUT /v1/me/addresses/{id}":    "/v1/me/addresses/" + a.ID,
			"DELETE /v1/me/addresses/{id}": "/v1/me/addresses/" + a.ID,
		},
		Headers: map[string]string{"If-Match": `"1"`},
		Bodies: map[string]string{
			"POST /v1/accounts":         `{"email":"bob@example.com","displayName":"Bob","password":"` + goodPassword + `"}`,
			"POST /v1/sessions":         `{"email":"ann@example.com","password":"` + goodPassword + `"}`,
			"PATCH /v1/me":              `{"displayName":"Ann L."}`,
			"POST /v1/me/addresses":     address,
			"PUT /v1/me/addresses/{id}": address,
		},
	})
}
