package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"example.com/quartet/packages/apitest"
	"example.com/quartet/services/accounts"
	domain "example.com/quartet/services/accounts/internal/accounts"
	"example.com/quartet/services/accounts/internal/httpapi"
	"example.com/quartet/services/accounts/internal/memory"
	"example.com/quartet/services/accounts/internal/password"
	"example.com/quartet/services/accounts/internal/token"
)

// cheap keeps argon2id fast in tests; production uses DefaultParams.
var cheap = password.Hasher{Params: password.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}}

const (
	issuerURL = "https://accounts.example.test"
	audience  = "quartet"
)

// signingKey is one RSA key for every fixture: generating one takes a
// noticeable fraction of a second.
var signingKey = sync.OnceValues(token.GenerateKey)

// fixture is an accounts API on a memory store, with its log.
type fixture struct {
	api    *apitest.API
	issuer token.Issuer
	log    *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key, err := signingKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	issuer := token.Issuer{Issuer: issuerURL, Audience: audience, Keys: keys}
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	svc := domain.NewService(memory.NewStore(), cheap)
	return &fixture{api: apitest.New(t, accounts.OpenAPI, httpapi.New(svc, issuer, logger)), issuer: issuer, log: &log}
}

func TestRoutes(t *testing.T) {
	apitest.CheckRoutes(t, accounts.OpenAPI, httpapi.Routes())
}

type account struct {
	ID          string   `json:"id"`
	Email       string   `json:"email"`
	DisplayName string   `json:"displayName"`
	Roles       []string `json:"roles"`
	Version     int      `json:"version"`
}

type session struct {
	AccessToken string `json:"accessToken"`
	TokenType   string `json:"tokenType"`
	ExpiresIn   int    `json:"expiresIn"`
}

const goodPassword = "correct horse battery staple"

func (f *fixture) signUp(t *testing.T, email string) account {
	t.Helper()
	res := f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/accounts",
		Body: `{"email":"` + email + `","displayName":"Ann Lee","password":"` + goodPassword + `"}`})
	if res.Status != http.StatusCreated {
		t.Fatalf("sign up %s: status %d, want 201; body: %s", email, res.Status, res.Body)
	}
	var a account
	res.JSON(t, &a)
	return a
}

func (f *fixture) signIn(t *testing.T, email, pw string) *apitest.Response {
	t.Helper()
	return f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/sessions",
		Body: `{"email":"` + email + `","password":"` + pw + `"}`})
}

func TestSignUpSignIn(t *testing.T) {
	f := newFixture(t)
	a := f.signUp(t, "Ann@Example.com")
	if a.Email != "Ann@Example.com" || a.Version != 1 || len(a.Roles) != 1 || a.Roles[0] != "customer" {
		t.Errorf("signed up %+v, want Ann@Example.com at version 1 with role customer", a)
	}

	res := f.signIn(t, "ann@example.COM", goodPassword)
	if res.Status != http.StatusOK {
		t.Fatalf("sign in: status %d, want 200; body: %s", res.Status, res.Body)
	}
	var s session
	res.JSON(t, &s)
	if s.TokenType != "Bearer" || s.ExpiresIn != 900 {
		t.Errorf("session %+v, want a Bearer token for 900 s", s)
	}
	claims, err := f.issuer.Verify(s.AccessToken)
	if err != nil {
		t.Fatalf("Verify(access token): %v", err)
	}
	if claims.Subject != a.ID || claims.Issuer != issuerURL || claims.Audience != audience ||
		len(claims.Roles) != 1 || claims.Roles[0] != "customer" || claims.ExpiresAt-claims.IssuedAt != 900 || claims.ID == "" {
		t.Errorf("claims %+v, want sub %s, iss, aud, roles [customer], 15 minutes, a jti", claims, a.ID)
	}

	me := f.api.Do(t, apitest.Request{Method: "GET", Path: "/v1/me", Claims: apitest.Caller(a.ID, "customer")})
	var got account
	me.JSON(t, &got)
	if me.Status != http.StatusOK || got.ID != a.ID || me.Header.Get("ETag") != `"1"` {
		t.Errorf("GET /v1/me: %d %+v ETag %s, want 200 with the account and ETag \"1\"", me.Status, got, me.Header.Get("ETag"))
	}

	// Neither the password nor the token reaches the log.
	for _, secret := range []string{goodPassword, s.AccessToken} {
		if strings.Contains(f.log.String(), secret) {
			t.Errorf("the log contains a secret %q:\n%s", secret, f.log)
		}
	}
}

func TestSignUpRefused(t *testing.T) {
	f := newFixture(t)
	f.signUp(t, "ann@example.com")
	for _, tt := range []struct {
		name, body string
		status     int
		pointer    string
	}{
		{"duplicate email in another case", `{"email":"ANN@example.com","displayName":"A","password":"` + goodPassword + `"}`, 409, ""},
		{"short password", `{"email":"bob@example.com","displayName":"Bob","password":"short"}`, 422, "/password"},
		{"common password", `{"email":"bob@example.com","displayName":"Bob","password":"Password123"}`, 422, "/password"},
		{"invalid email", `{"email":"Bob <bob@example.com>","displayName":"Bob","password":"` + goodPassword + `"}`, 422, "/email"},
		{"no display name", `{"email":"bob@example.com","displayName":" ","password":"` + goodPassword + `"}`, 422, "/displayName"},
		{"unknown member", `{"email":"bob@example.com","displayName":"Bob","password":"` + goodPassword + `","admin":true}`, 400, "/admin"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/accounts", Body: tt.body})
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d; body: %s", res.Status, tt.status, res.Body)
			}
			p := res.Problem(t)
			if tt.pointer != "" && (len(p.Errors) != 1 || p.Errors[0].Pointer != tt.pointer) {
				t.Errorf("errors %+v, want one at %s", p.Errors, tt.pointer)
			}
		})
	}
}

func TestSignInBadCredentials(t *testing.T) {
	f := newFixture(t)
	f.signUp(t, "ann@example.com")
	unknown := f.signIn(t, "nobody@example.com", goodPassword)
	wrong := f.signIn(t, "ann@example.com", "not the password")
	for _, res := range []*apitest.Response{unknown, wrong} {
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401; body: %s", res.Status, res.Body)
		}
	}
	if u, w := unknown.Problem(t), wrong.Problem(t); u.Detail != w.Detail || u.Title != w.Title {
		t.Errorf("unknown email answers %q, wrong password %q; want the same", u.Detail, w.Detail)
	}
}

func TestSignInThrottled(t *testing.T) {
	f := newFixture(t)
	f.signUp(t, "ann@example.com")
	for i := range domain.MaxFailures {
		if res := f.signIn(t, "ann@example.com", "not the password"); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, res.Status)
		}
	}
	for _, pw := range []string{"not the password", goodPassword} {
		res := f.signIn(t, "ann@example.com", pw)
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("after %d failures: status %d, want 429; body: %s", domain.MaxFailures, res.Status, res.Body)
		}
		if got := res.Header.Get("Retry-After"); got != "60" {
			t.Errorf("Retry-After = %q, want 60", got)
		}
	}
}

func TestUpdateMe(t *testing.T) {
	f := newFixture(t)
	a := f.signUp(t, "ann@example.com")
	f.signUp(t, "bob@example.com")
	caller := apitest.Caller(a.ID, "customer")
	patch := func(ifMatch, body string) *apitest.Response {
		h := map[string]string{}
		if ifMatch != "" {
			h["If-Match"] = ifMatch
		}
		return f.api.Do(t, apitest.Request{Method: "PATCH", Path: "/v1/me", Header: h, Body: body, Claims: caller})
	}
	for _, tt := range []struct {
		name, ifMatch, body string
		status              int
	}{
		{"no If-Match", "", `{"displayName":"Ann"}`, 428},
		{"malformed If-Match", "1", `{"displayName":"Ann"}`, 400},
		{"star in a list", `*, "1"`, `{"displayName":"Ann"}`, 400},
		{"stale version", `"7"`, `{"displayName":"Ann"}`, 412},
		{"weak tag", `W/"1"`, `{"displayName":"Ann"}`, 412},
		{"foreign tags", `"abc", ""`, `{"displayName":"Ann"}`, 412},
		{"email of another account", `"1"`, `{"email":"BOB@example.com"}`, 409},
		{"empty patch", `"1"`, `{}`, 422},
		{"invalid name", `"1"`, `{"displayName":""}`, 422},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if res := patch(tt.ifMatch, tt.body); res.Status != tt.status {
				t.Errorf("status %d, want %d; body: %s", res.Status, tt.status, res.Body)
			}
		})
	}
	res := patch(`"9", "1"`, `{"displayName":"Ann L.","email":"ann@lee.example"}`)
	var got account
	res.JSON(t, &got)
	if res.Status != http.StatusOK || got.DisplayName != "Ann L." || got.Email != "ann@lee.example" || res.Header.Get("ETag") != `"2"` {
		t.Errorf("PATCH: %d %+v ETag %s, want 200, the changes and ETag \"2\"", res.Status, got, res.Header.Get("ETag"))
	}
	if res := patch(`*`, `{"displayName":"Ann"}`); res.Status != http.StatusOK || res.Header.Get("ETag") != `"3"` {
		t.Errorf("PATCH with If-Match *: %d ETag %s, want 200 and ETag \"3\"", res.Status, res.Header.Get("ETag"))
	}
}

func TestMeNeedsToken(t *testing.T) {
	f := newFixture(t)
	for _, req := range []apitest.Request{
		{Method: "GET", Path: "/v1/me"},
		{Method: "PATCH", Path: "/v1/me", Header: map[string]string{"If-Match": `"1"`}, Body: `{"displayName":"X"}`},
		{Method: "GET", Path: "/v1/me/addresses"},
		{Method: "DELETE", Path: "/v1/me/addresses/01959ad0-0000-7000-8000-000000000001"},
	} {
		if res := f.api.Do(t, req); res.Status != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%s %s without a token: status %d, WWW-Authenticate %q; want 401, Bearer", req.Method, req.Path, res.Status, res.Header.Get("WWW-Authenticate"))
		}
	}
	// A token of an account that no longer exists.
	res := f.api.Do(t, apitest.Request{Method: "GET", Path: "/v1/me", Claims: apitest.Caller("01959ad0-0000-7000-8000-000000000001", "customer")})
	if res.Status != http.StatusNotFound {
		t.Errorf("GET /v1/me of a missing account: status %d, want 404", res.Status)
	}
}

type address struct {
	ID      string   `json:"id"`
	Lines   []string `json:"lines"`
	Country string   `json:"country"`
}

func TestAddresses(t *testing.T) {
	f := newFixture(t)
	ann := apitest.Caller(f.signUp(t, "ann@example.com").ID, "customer")
	bob := apitest.Caller(f.signUp(t, "bob@example.com").ID, "customer")
	const body = `{"name":"Ann Lee","lines":["Hauptstraße 1"],"city":"Berlin","postalCode":"10115","country":"de"}`

	res := f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/me/addresses", Body: body, Claims: ann})
	var a address
	res.JSON(t, &a)
	if res.Status != http.StatusCreated || a.Country != "DE" || res.Header.Get("Location") != "/v1/me/addresses/"+a.ID {
		t.Fatalf("POST: %d %+v Location %s; want 201 in DE at its URL", res.Status, a, res.Header.Get("Location"))
	}
	path := "/v1/me/addresses/" + a.ID

	res = f.api.Do(t, apitest.Request{Method: "PUT", Path: path, Claims: ann,
		Body: `{"name":"Ann Lee","lines":["Hauptstraße 2","Hinterhaus"],"city":"Berlin","postalCode":"10115","country":"DE"}`})
	res.JSON(t, &a)
	if res.Status != http.StatusOK || len(a.Lines) != 2 {
		t.Errorf("PUT: %d %+v, want 200 with two lines", res.Status, a)
	}
	for _, tt := range []struct {
		name string
		req  apitest.Request
		want int
	}{
		{"invalid country", apitest.Request{Method: "POST", Path: "/v1/me/addresses", Claims: ann, Body: strings.Replace(body, `"de"`, `"XX"`, 1)}, 422},
		{"another's address", apitest.Request{Method: "PUT", Path: path, Claims: bob, Body: body}, 404},
		{"another's delete", apitest.Request{Method: "DELETE", Path: path, Claims: bob}, 404},
		{"not an id", apitest.Request{Method: "DELETE", Path: "/v1/me/addresses/nope", Claims: ann}, 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if res := f.api.Do(t, tt.req); res.Status != tt.want {
				t.Errorf("status %d, want %d; body: %s", res.Status, tt.want, res.Body)
			}
		})
	}

	var list struct{ Items []address }
	f.api.Do(t, apitest.Request{Method: "GET", Path: "/v1/me/addresses", Claims: bob}).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("bob sees %d addresses, want 0", len(list.Items))
	}
	for range domain.MaxAddresses - 1 {
		f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/me/addresses", Body: body, Claims: ann})
	}
	if res := f.api.Do(t, apitest.Request{Method: "POST", Path: "/v1/me/addresses", Body: body, Claims: ann}); res.Status != http.StatusConflict {
		t.Errorf("address %d: status %d, want 409", domain.MaxAddresses+1, res.Status)
	}
	if res := f.api.Do(t, apitest.Request{Method: "DELETE", Path: path, Claims: ann}); res.Status != http.StatusNoContent {
		t.Errorf("DELETE: status %d, want 204", res.Status)
	}
	if res := f.api.Do(t, apitest.Request{Method: "DELETE", Path: path, Claims: ann}); res.Status != http.StatusNotFound {
		t.Errorf("DELETE again: status %d, want 404", res.Status)
	}
}

func TestKeys(t *testing.T) {
	f := newFixture(t)
	var jwks struct{ Keys []map[string]string }
	res := f.api.Do(t, apitest.Request{Method: "GET", Path: "/.well-known/jwks.json"})
	res.JSON(t, &jwks)
	if len(jwks.Keys) != 1 || jwks.Keys[0]["kid"] != f.issuer.Keys.Current.ID || jwks.Keys[0]["alg"] != "RS256" || jwks.Keys[0]["kty"] != "RSA" {
		t.Errorf("JWKS %+v, want the current RSA key %s for RS256", jwks, f.issuer.Keys.Current.ID)
	}
	var d token.Discovery
	f.api.Do(t, apitest.Request{Method: "GET", Path: "/.well-known/openid-configuration"}).JSON(t, &d)
	if d.Issuer != issuerURL || d.JWKSURI != issuerURL+"/.well-known/jwks.json" {
		t.Errorf("discovery %+v, want issuer %s and its JWKS", d, issuerURL)
	}
}
