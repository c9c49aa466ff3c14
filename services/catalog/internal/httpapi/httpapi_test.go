package httpapi_test

import (
	"cmp"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"example.com/quartet/packages/apispec"
	"example.com/quartet/packages/apitest"
	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/pgtest"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/httpapi"
	"example.com/quartet/services/catalog/internal/memory"
)

// TestMain stops the embedded PostgreSQL server the benchmarks start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// product is a product as a client decodes it.
type product struct {
	ID          string
	SKU         string
	Name        string
	Description string
	Price       struct {
		Amount   int64
		Currency string
	}
	Category  string
	Stock     int
	Status    string
	Version   int
	CreatedAt string
	UpdatedAt string
}

type productPage struct {
	Items      []product
	NextCursor string
}

const unknownID = "0190f3b6-7c1d-7a2b-9c3d-4e5f60718293"

// spec reads the catalog's OpenAPI document.
func spec(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newHandler returns the API on an empty memory store that knows the
// categories kitchen and garden.
func newHandler(t testing.TB) http.Handler {
	t.Helper()
	store := memory.NewStore()
	for _, c := range []catalog.Category{{Slug: "kitchen", Name: "Kitchen"}, {Slug: "garden", Name: "Garden"}} {
		if err := store.CreateCategory(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	return httpapi.New(catalog.NewService(store), slog.New(slog.DiscardHandler))
}

func newAPI(t testing.TB) *apitest.API {
	t.Helper()
	return apitest.New(t, spec(t), newHandler(t))
}

// productJSON returns the body of a valid POST /v1/products.
func productJSON(sku, category, name string) string {
	return fmt.Sprintf(`{"sku":%q,"name":%q,"description":"Holds 350 ml.","price":{"amount":1299,"currency":"EUR"},"category":%q,"stock":10}`,
		sku, name, category)
}

// create adds a product through the API.
func create(t *testing.T, api *apitest.API, body string) product {
	t.Helper()
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products", Body: body, Claims: apitest.Admin})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: status %d, body %s", res.Status, res.Body)
	}
	var p product
	res.JSON(t, &p)
	return p
}

// checkProblem fails t unless res is a problem with status whose errors
// point exactly at pointers.
func checkProblem(t *testing.T, res *apitest.Response, status int, pointers ...string) {
	t.Helper()
	p := res.Problem(t)
	if res.Status != status {
		t.Errorf("status = %d, want %d; body %s", res.Status, status, res.Body)
	}
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Pointer)
	}
	if !slices.Equal(got, pointers) {
		t.Errorf("error pointers = %q, want %q; body %s", got, pointers, res.Body)
	}
	if p.RequestID == "" || p.RequestID != res.Header.Get("X-Request-Id") {
		t.Errorf("problem requestId = %q, X-Request-Id = %q; want equal and set", p.RequestID, res.Header.Get("X-Request-Id"))
	}
}

func TestRoutesMatchOpenAPI(t *testing.T) {
	apitest.CheckRoutes(t, spec(t), httpapi.Routes())
}

// TestSecurityMatchesOpenAPI checks that the routes the document secures,
// and only those, turn away a request without a token.
func TestSecurityMatchesOpenAPI(t *testing.T) {
	routes, err := apispec.Routes(spec(t))
	if err != nil {
		t.Fatal(err)
	}
	api := newAPI(t)
	for _, r := range routes {
		t.Run(r.Key(), func(t *testing.T) {
			path := strings.ReplaceAll(r.Path, "{id}", unknownID)
			res := api.Do(t, apitest.Request{Method: r.Method, Path: path})
			if got := res.Status == http.StatusUnauthorized; got != r.Secured {
				t.Errorf("status %d without a token; the document says secured = %v", res.Status, r.Secured)
			}
		})
	}
}

// badBodies are the malformed bodies every operation with a JSON body must
// answer with a 4xx problem; pointers name the member at fault.
var badBodies = []struct {
	name     string
	header   map[string]string
	body     string
	status   int
	pointers []string
}{
	{"malformed JSON", nil, `{"sku":`, 400, nil},
	{"not an object", nil, `[1,2]`, 400, []string{"/"}}, // httpjson's pointer for the root
	{"two documents", nil, `{} {}`, 400, nil},
	{"empty body", map[string]string{"Content-Type": "application/json"}, ``, 400, nil},
	{"unknown member", nil, `{"colour":"red"}`, 400, []string{"/colour"}},
	{"wrong content type", map[string]string{"Content-Type": "text/plain"}, `{}`, 415, nil},
	{"no content type", map[string]string{"Content-Type": ""}, `{}`, 415, nil},
	{"oversize", nil, `{"name":"` + strings.Repeat("x", httpjson.MaxBodyBytes) + `"}`, 413, nil},
}

func TestCreateProduct(t *testing.T) {
	api := newAPI(t)
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products",
		Body: productJSON("MUG-1", "kitchen", "Enamel mug"), Claims: apitest.Admin})

	if res.Status != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body %s", res.Status, res.Body)
	}
	var got product
	res.JSON(t, &got)
	if got.SKU != "MUG-1" || got.Name != "Enamel mug" || got.Price.Amount != 1299 || got.Price.Currency != "EUR" ||
		got.Category != "kitchen" || got.Stock != 10 || got.Status != "active" || got.Version != 1 {
		t.Errorf("created %+v", got)
	}
	if loc := res.Header.Get("Location"); loc != "/v1/products/"+got.ID {
		t.Errorf("Location = %q, want /v1/products/%s", loc, got.ID)
	}
	if etag := res.Header.Get("ETag"); etag != `"1"` {
		t.Errorf("ETag = %q, want %q", etag, `"1"`)
	}

	res = api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + got.ID})
	var read product
	res.JSON(t, &read)
	if read != got {
		t.Errorf("GET after POST = %+v, want %+v", read, got)
	}
}

func TestCreateProductRejects(t *testing.T) {
	api := newAPI(t)
	create(t, api, productJSON("TAKEN-1", "kitchen", "Taken"))

	tests := []struct {
		name     string
		claims   apitest.Claims
		header   map[string]string
		body     string
		status   int
		pointers []string
	}{
		{name: "no token", body: productJSON("MUG-2", "kitchen", "Mug"), status: 401},
		{name: "customer token", claims: apitest.Customer, body: productJSON("MUG-2", "kitchen", "Mug"), status: 403},
		{name: "duplicate SKU", claims: apitest.Admin, body: productJSON("TAKEN-1", "kitchen", "Other"), status: 409},
		{name: "unknown category", claims: apitest.Admin, body: productJSON("MUG-2", "attic", "Mug"), status: 422, pointers: []string{"/category"}},
		{name: "negative stock", claims: apitest.Admin, status: 422, pointers: []string{"/stock"},
			body: `{"sku":"MUG-2","name":"Mug","price":{"amount":100,"currency":"EUR"},"category":"kitchen","stock":-1}`},
		{name: "every field invalid", claims: apitest.Admin, status: 422,
			pointers: []string{"/sku", "/name", "/price/amount", "/price/currency", "/category", "/stock"},
			body:     `{"sku":"mug 2","name":"","price":{"amount":-5,"currency":"euro"},"category":"Kitchen!","stock":2000000}`},
		{name: "missing members", claims: apitest.Admin, body: `{}`, status: 422,
			pointers: []string{"/sku", "/name", "/price/currency", "/category"}},
		{name: "wrong type", claims: apitest.Admin, body: `{"stock":"three"}`, status: 400, pointers: []string{"/stock"}},
		{name: "fractional price", claims: apitest.Admin, body: `{"price":{"amount":12.5}}`, status: 400, pointers: []string{"/price/amount"}},
		{name: "unknown nested member", claims: apitest.Admin, body: `{"price":{"amount":1,"cents":5}}`, status: 400, pointers: []string{"/cents"}},
	}
	for _, bb := range badBodies {
		tests = append(tests, struct {
			name     string
			claims   apitest.Claims
			header   map[string]string
			body     string
			status   int
			pointers []string
		}{bb.name, apitest.Admin, bb.header, bb.body, bb.status, bb.pointers})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products", Header: tt.header, Body: tt.body, Claims: tt.claims})
			checkProblem(t, res, tt.status, tt.pointers...)
		})
	}
}

func TestCreateProductUnauthenticatedChallenges(t *testing.T) {
	res := newAPI(t).Do(t, apitest.Request{Method: "POST", Path: "/v1/products", Body: `{}`})
	if got := res.Header.Get("WWW-Authenticate"); got != "Bearer" {
		t.Errorf("WWW-Authenticate = %q, want Bearer", got)
	}
}

func TestGetProduct(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))

	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + p.ID})
	if res.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", res.Status, res.Body)
	}
	var got product
	res.JSON(t, &got)
	if got != p {
		t.Errorf("got %+v, want %+v", got, p)
	}
	if etag, cc := res.Header.Get("ETag"), res.Header.Get("Cache-Control"); etag != `"1"` || !strings.HasPrefix(cc, "public") {
		t.Errorf("ETag = %q, Cache-Control = %q; want %q and public caching", etag, cc, `"1"`)
	}

	for name, id := range map[string]string{
		"unknown id":           unknownID,
		"malformed id":         "not-a-uuid",
		"SQL in id":            "1%27%20OR%20%271%27=%271",
		"uuid without dashes":  strings.ReplaceAll(p.ID, "-", ""),
		"uuid with upper case": strings.ToUpper(unknownID),
	} {
		t.Run(name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + id})
			checkProblem(t, res, http.StatusNotFound)
		})
	}
}

func TestListProductsPaginates(t *testing.T) {
	api := newAPI(t)
	var want []string // IDs, newest first
	for i := range 7 {
		p := create(t, api, productJSON(fmt.Sprintf("SKU-%d", i), "kitchen", fmt.Sprintf("Product %d", i)))
		want = append([]string{p.ID}, want...)
	}

	var got []string
	path := "/v1/products?limit=3"
	for pages := 1; ; pages++ {
		res := api.Do(t, apitest.Request{Method: "GET", Path: path})
		if res.Status != http.StatusOK {
			t.Fatalf("page %d: status %d, body %s", pages, res.Status, res.Body)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("Cache-Control = %q, want public caching", cc)
		}
		var page productPage
		res.JSON(t, &page)
		if len(page.Items) > 3 {
			t.Fatalf("page %d has %d items, want at most 3", pages, len(page.Items))
		}
		for _, p := range page.Items {
			got = append(got, p.ID)
		}
		if page.NextCursor == "" {
			if pages != 3 {
				t.Errorf("got %d pages, want 3", pages)
			}
			break
		}
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		path = "/v1/products?limit=3&cursor=" + page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("IDs over all pages =\n%q\nwant, newest first,\n%q", got, want)
	}
}

func TestListProductsFilters(t *testing.T) {
	api := newAPI(t)
	mug := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	pan := create(t, api, productJSON("PAN-1", "kitchen", "Cast iron pan"))
	hose := create(t, api, productJSON("HOSE-1", "garden", "Garden hose"))
	old := create(t, api, productJSON("MUG-OLD", "kitchen", "Old mug"))
	res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + old.ID + "/archive", Claims: apitest.Admin})
	if res.Status != http.StatusOK {
		t.Fatalf("archive: status %d, body %s", res.Status, res.Body)
	}

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"all active, newest first", "", []string{hose.ID, pan.ID, mug.ID}},
		{"category", "?category=kitchen", []string{pan.ID, mug.ID}},
		{"category without products", "?category=attic", nil},
		{"search", "?q=mug", []string{mug.ID}},
		{"search several words", "?q=cast%20iron", []string{pan.ID}},
		{"search and category", "?q=hose&category=kitchen", nil},
		{"no match", "?q=teapot", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products" + tt.query})
			if res.Status != http.StatusOK {
				t.Fatalf("status %d, body %s", res.Status, res.Body)
			}
			var page productPage
			res.JSON(t, &page)
			var got []string
			for _, p := range page.Items {
				got = append(got, p.ID)
			}
			if !slices.Equal(got, tt.want) || page.NextCursor != "" {
				t.Errorf("got %q (next %q), want %q", got, page.NextCursor, tt.want)
			}
		})
	}
}

func TestListProductsRejects(t *testing.T) {
	api := newAPI(t)
	tests := []struct {
		name, query string
		pointers    []string
	}{
		{"limit 0", "limit=0", []string{"limit"}},
		{"limit 1000", "limit=1000", []string{"limit"}},
		{"limit negative", "limit=-1", []string{"limit"}},
		{"limit not a number", "limit=ten", []string{"limit"}},
		{"cursor not base64", "cursor=%21%21%21", []string{"cursor"}},
		{"cursor of garbage", "cursor=Z2FyYmFnZQ", []string{"cursor"}},
		{"cursor of binary", "cursor=__79", []string{"cursor"}},
		{"category not a slug", "category=Kitchen%20Stuff", []string{"category"}},
		{"search too long", "q=" + strings.Repeat("a", 201), []string{"q"}},
		{"several at once", "limit=0&cursor=%21", []string{"limit", "cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products?" + tt.query})
			checkProblem(t, res, http.StatusBadRequest, tt.pointers...)
		})
	}
}

func TestUpdateProduct(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))

	res := api.Do(t, apitest.Request{Method: "PATCH", Path: "/v1/products/" + p.ID, Claims: apitest.Admin,
		Header: map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"},
		Body:   `{"name":"Blue mug","price":{"amount":1499,"currency":"EUR"},"category":"garden"}`})
	if res.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", res.Status, res.Body)
	}
	var got product
	res.JSON(t, &got)
	want := p
	want.Name, want.Price.Amount, want.Category, want.Version, want.UpdatedAt = "Blue mug", 1499, "garden", 2, got.UpdatedAt
	if got != want {
		t.Errorf("patched =\n%+v\nwant\n%+v", got, want)
	}
	if etag := res.Header.Get("ETag"); etag != `"2"` {
		t.Errorf("ETag = %q, want %q", etag, `"2"`)
	}
}

// TestUpdateProductIfMatch checks RFC 9110 §13.1.1: a list matches when any
// of its strong tags is current, and "*" matches whatever the version.
func TestUpdateProductIfMatch(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	for i, ifMatch := range []string{`"7", W/"1", "1"`, `*`, `"3"`, `"9", "4"`} {
		res := api.Do(t, apitest.Request{Method: "PATCH", Path: "/v1/products/" + p.ID, Claims: apitest.Admin,
			Header: map[string]string{"If-Match": ifMatch}, Body: fmt.Sprintf(`{"stock":%d}`, i)})
		if want := fmt.Sprintf(`"%d"`, i+2); res.Status != http.StatusOK || res.Header.Get("ETag") != want {
			t.Errorf("If-Match: %s: status %d, ETag %q; want 200, %s; body %s", ifMatch, res.Status, res.Header.Get("ETag"), want, res.Body)
		}
	}
}

func TestUpdateProductRejects(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	create(t, api, productJSON("MUG-2", "kitchen", "Another mug"))
	archived := create(t, api, productJSON("MUG-OLD", "kitchen", "Old mug"))
	api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + archived.ID + "/archive", Claims: apitest.Admin})

	current := map[string]string{"If-Match": `"1"`}
	tests := []struct {
		name     string
		id       string
		claims   apitest.Claims
		header   map[string]string
		body     string
		status   int
		pointers []string
	}{
		{name: "no token", header: current, body: `{"name":"X"}`, status: 401},
		{name: "customer token", claims: apitest.Customer, header: current, body: `{"name":"X"}`, status: 403},
		{name: "missing If-Match", claims: apitest.Admin, body: `{"name":"X"}`, status: 428, pointers: []string{"If-Match"}},
		{name: "stale If-Match", claims: apitest.Admin, header: map[string]string{"If-Match": `"7"`}, body: `{"name":"X"}`, status: 412},
		{name: "weak If-Match", claims: apitest.Admin, header: map[string]string{"If-Match": `W/"1"`}, body: `{"name":"X"}`, status: 412},
		{name: "unquoted If-Match", claims: apitest.Admin, header: map[string]string{"If-Match": `1`}, body: `{"name":"X"}`, status: 400, pointers: []string{"If-Match"}},
		{name: "If-Match star in a list", claims: apitest.Admin, header: map[string]string{"If-Match": `*, "1"`}, body: `{"name":"X"}`, status: 400, pointers: []string{"If-Match"}},
		{name: "If-Match stale list", claims: apitest.Admin, header: map[string]string{"If-Match": `"2", "3"`}, body: `{"name":"X"}`, status: 412},
		{name: "If-Match zero", claims: apitest.Admin, header: map[string]string{"If-Match": `"0"`}, body: `{"name":"X"}`, status: 412},
		{name: "If-Match overflow", claims: apitest.Admin, header: map[string]string{"If-Match": `"99999999999999999999"`}, body: `{"name":"X"}`, status: 412},
		{name: "If-Match foreign tag", claims: apitest.Admin, header: map[string]string{"If-Match": `"abc"`}, body: `{"name":"X"}`, status: 412},
		{name: "unknown id", id: unknownID, claims: apitest.Admin, header: current, body: `{"name":"X"}`, status: 404},
		{name: "malformed id", id: "42", claims: apitest.Admin, header: current, body: `{"name":"X"}`, status: 404},
		{name: "archived", id: archived.ID, claims: apitest.Admin, header: map[string]string{"If-Match": `"2"`}, body: `{"name":"X"}`, status: 409},
		{name: "negative stock", claims: apitest.Admin, header: current, body: `{"stock":-3}`, status: 422, pointers: []string{"/stock"}},
		{name: "empty name", claims: apitest.Admin, header: current, body: `{"name":"  "}`, status: 422, pointers: []string{"/name"}},
		{name: "price without currency", claims: apitest.Admin, header: current, body: `{"price":{"amount":5}}`, status: 422, pointers: []string{"/price/currency"}},
		{name: "unknown category", claims: apitest.Admin, header: current, body: `{"category":"attic"}`, status: 422, pointers: []string{"/category"}},
		{name: "empty patch", claims: apitest.Admin, header: current, body: `{}`, status: 422},
		{name: "wrong type", claims: apitest.Admin, header: current, body: `{"stock":"many"}`, status: 400, pointers: []string{"/stock"}},
		{name: "sku is not patchable", claims: apitest.Admin, header: current, body: `{"sku":"MUG-2"}`, status: 400, pointers: []string{"/sku"}},
	}
	for _, bb := range badBodies {
		tests = append(tests, struct {
			name     string
			id       string
			claims   apitest.Claims
			header   map[string]string
			body     string
			status   int
			pointers []string
		}{name: bb.name, claims: apitest.Admin, header: withHeaders(current, bb.header), body: bb.body, status: bb.status, pointers: bb.pointers})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := cmp.Or(tt.id, p.ID)
			res := api.Do(t, apitest.Request{Method: "PATCH", Path: "/v1/products/" + id, Header: tt.header, Body: tt.body, Claims: tt.claims})
			checkProblem(t, res, tt.status, tt.pointers...)
		})
	}

	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + p.ID})
	var after product
	res.JSON(t, &after)
	if after != p {
		t.Errorf("rejected patches changed the product:\n%+v\nwas\n%+v", after, p)
	}
}

func TestArchiveProduct(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	archive := func(header map[string]string) *apitest.Response {
		return api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + p.ID + "/archive", Header: header, Claims: apitest.Admin})
	}

	checkProblem(t, archive(map[string]string{"If-Match": `"5"`}), http.StatusPreconditionFailed)
	checkProblem(t, archive(map[string]string{"If-Match": `W/"1"`}), http.StatusPreconditionFailed)
	checkProblem(t, archive(map[string]string{"If-Match": `1`}), http.StatusBadRequest, "If-Match")

	res := archive(map[string]string{"If-Match": `"1"`})
	var got product
	res.JSON(t, &got)
	if res.Status != http.StatusOK || got.Status != "archived" || got.Version != 2 || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("archive: status %d, ETag %q, product %+v", res.Status, res.Header.Get("ETag"), got)
	}
	res = archive(nil)
	res.JSON(t, &got)
	if res.Status != http.StatusOK || got.Status != "archived" || got.Version != 2 {
		t.Errorf("archive again: status %d, product %+v; want 200, unchanged", res.Status, got)
	}
}

func TestArchiveProductRejects(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	tests := []struct {
		name   string
		id     string
		claims apitest.Claims
		status int
	}{
		{"no token", p.ID, nil, 401},
		{"customer token", p.ID, apitest.Customer, 403},
		{"unknown id", unknownID, apitest.Admin, 404},
		{"malformed id", "x", apitest.Admin, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + tt.id + "/archive", Claims: tt.claims})
			checkProblem(t, res, tt.status)
		})
	}
}

func TestAdjustStock(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug")) // stock 10
	adjust := func(body string) *apitest.Response {
		return api.Do(t, apitest.Request{Method: "POST", Path: "/v1/products/" + p.ID + "/stock-adjustments", Body: body, Claims: apitest.Admin})
	}
	for _, step := range []struct {
		delta, want int
	}{{5, 15}, {-15, 0}, {3, 3}} {
		res := adjust(fmt.Sprintf(`{"delta":%d}`, step.delta))
		var got product
		res.JSON(t, &got)
		if res.Status != http.StatusOK || got.Stock != step.want {
			t.Fatalf("delta %d: status %d, stock %d; want 200, stock %d", step.delta, res.Status, got.Stock, step.want)
		}
		if etag := res.Header.Get("ETag"); etag != fmt.Sprintf(`"%d"`, got.Version) {
			t.Errorf("ETag = %q, version %d", etag, got.Version)
		}
	}

	checkProblem(t, adjust(`{"delta":-4}`), http.StatusConflict)
	res := api.Do(t, apitest.Request{Method: "GET", Path: "/v1/products/" + p.ID})
	var got product
	res.JSON(t, &got)
	if got.Stock != 3 {
		t.Errorf("stock after refused adjustment = %d, want 3", got.Stock)
	}
}

func TestAdjustStockRejects(t *testing.T) {
	api := newAPI(t)
	p := create(t, api, productJSON("MUG-1", "kitchen", "Enamel mug"))
	tests := []struct {
		name     string
		id       string
		claims   apitest.Claims
		header   map[string]string
		body     string
		status   int
		pointers []string
	}{
		{name: "no token", body: `{"delta":1}`, status: 401},
		{name: "customer token", claims: apitest.Customer, body: `{"delta":1}`, status: 403},
		{name: "unknown id", id: unknownID, claims: apitest.Admin, body: `{"delta":1}`, status: 404},
		{name: "malformed id", id: "abc", claims: apitest.Admin, body: `{"delta":1}`, status: 404},
		{name: "more than in stock", claims: apitest.Admin, body: `{"delta":-11}`, status: 409},
		{name: "missing delta", claims: apitest.Admin, body: `{}`, status: 422, pointers: []string{"/delta"}},
		{name: "huge delta", claims: apitest.Admin, body: `{"delta":9223372036854775807}`, status: 422, pointers: []string{"/delta"}},
		{name: "above the maximum stock", claims: apitest.Admin, body: `{"delta":999999}`, status: 422, pointers: []string{"/delta"}},
		{name: "fractional delta", claims: apitest.Admin, body: `{"delta":1.5}`, status: 400, pointers: []string{"/delta"}},
		{name: "delta as string", claims: apitest.Admin, body: `{"delta":"5"}`, status: 400, pointers: []string{"/delta"}},
		{name: "delta too large for an integer", claims: apitest.Admin, body: `{"delta":1e30}`, status: 400, pointers: []string{"/delta"}},
	}
	for _, bb := range badBodies {
		tests = append(tests, struct {
			name     string
			id       string
			claims   apitest.Claims
			header   map[string]string
			body     string
			status   int
			pointers []string
		}{name: bb.name, claims: apitest.Admin, header: bb.header, body: bb.body, status: bb.status, pointers: bb.pointers})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/v1/products/" + cmp.Or(tt.id, p.ID) + "/stock-adjustments"
			res := api.Do(t, apitest.Request{Method: "POST", Path: path, Header: tt.header, Body: tt.body, Claims: tt.claims})
			checkProblem(t, res, tt.status, tt.pointers...)
		})
	}
}

func TestListCategories(t *testing.T) {
	res := newAPI(t).Do(t, apitest.Request{Method: "GET", Path: "/v1/categories"})
	var got struct{ Items []catalog.Category }
	res.JSON(t, &got)
	want := []catalog.Category{{Slug: "garden", Name: "Garden"}, {Slug: "kitchen", Name: "Kitchen"}}
	if res.Status != http.StatusOK || !slices.Equal(got.Items, want) {
		t.Errorf("status %d, categories %+v; want 200, %+v", res.Status, got.Items, want)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("Cache-Control = %q, want public caching", cc)
	}
}

// TestUnmatchedRequests checks the answers to requests API Gateway would
// not forward, for when the handler is served some other way: problems,
// not ServeMux's text/plain.
func TestUnmatchedRequests(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/", 404, ""},
		{"GET", "/v1/orders", 404, ""},
		{"GET", "/v1/products/", 404, ""},
		{"DELETE", "/v1/products/" + unknownID, 405, "GET, PATCH"},
		{"PUT", "/v1/products", 405, "GET, POST"},
		{"GET", "/v1/products/" + unknownID + "/archive", 405, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.status || w.Header().Get("Content-Type") != problem.ContentType {
				t.Errorf("got %d %q, want %d %s; body %s", w.Code, w.Header().Get("Content-Type"), tt.status, problem.ContentType, w.Body)
			}
			if got := w.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

// withHeaders returns base overridden by extra.
func withHeaders(base, extra map[string]string) map[string]string {
	h := maps.Clone(base)
	maps.Copy(h, extra)
	return h
}
