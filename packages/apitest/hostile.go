package apitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"example.com/quartet/packages/apispec"
	"example.com/quartet/packages/problem"
)

// HostileOptions tells Hostile how to reach past authentication and
// lookups, so that its bad input meets the code that reads it.
type HostileOptions struct {
	// Claims are the credentials sent to every secured route; public
	// routes get none, as API Gateway gives claims only to routes with an
	// authorizer.
	Claims Claims
	// RouteClaims override Claims for some routes, by route key
	// ("DELETE /v1/reviews/{id}").
	RouteClaims map[string]Claims
	// Paths give, by route key, a path that names an existing resource,
	// such as "/v1/products/0190…" for "PATCH /v1/products/{id}". Every
	// case that is not about a path parameter uses it. Without one, path
	// parameters are a well-formed UUID that names nothing.
	Paths map[string]string
	// Headers are valid values of header parameters, by name ("If-Match":
	// `"1"`), sent with every case that is not about that header. Without
	// one, a header parameter is sent only when its schema has an example.
	Headers map[string]string
	// Bodies are valid request bodies, by route key. The cases about
	// members of the body change one member of it at a time; without one,
	// they start from {}.
	Bodies map[string]string
}

// AbsentID is the path parameter value Hostile uses for a resource that
// does not exist: a well-formed UUIDv7.
const AbsentID = "0190f3b6-7c1d-7a2b-9c3d-4e5f60718293"

// maxHostileBody is the size of Hostile's largest request body: one byte
// over the 1 MiB every context accepts.
const maxHostileBody = 1<<20 + 1

// Hostile sends every route of the API's document a fixed battery of bad
// requests, with the credentials opts gives for the route, and fails t for
// each answer that is a 5xx (a panic in the handler is one), a 4xx that is
// not application/problem+json, or any answer the document does not allow.
//
// The battery is deterministic and read from the document: path
// parameters that are blank-ish, very long, non-ASCII, NUL, dot segments,
// escaped slashes or a UUID that names nothing; each declared query
// parameter with garbage, repeated, huge, negative and fractional values
// and tampered cursors; each declared header with malformed values (such
// as If-Match lists, weak and unquoted tags, and over-long keys); and, for
// a route with a request body, no body, JSON that is not an object,
// malformed and deeply nested JSON, wrong content types, a body just over
// 1 MiB, unknown members, and, for every member of the body's schema
// (nested objects included), a value of each other JSON type, numbers
// outside int64, and empty, blank, NUL-bearing and over-long strings.
// Routes without a body also get an unexpected one, and every route an
// unknown query parameter. A path with a dot segment is no route's (see
// API.Do), so its answer need not match the document, but must be a 4xx
// problem.
//
// Some cases also hold every context to one HTTP behaviour:
//   - a secured route called without a token is a 401 with
//     "WWW-Authenticate: Bearer";
//   - a body with invalid UTF-8 or a lone surrogate escape in any string,
//     or with a member named twice in any object, is a 400 whose problem
//     points at the member (JSON Pointer), for the whole body and for every
//     member of its schema, nested ones included;
//   - If-Match follows RFC 9110 §13.1.1 on a route that declares it: a
//     value that is not "*" or a list of entity tags is a 400; when
//     HostileOptions.Paths names an existing resource, weak tags, tags the
//     API never issued and lists of them are a 412; a missing required
//     If-Match is a 428; and, last of all for the route since they may
//     change the resource, "*" and a list holding the current ETag (read
//     with the GET of the resource's path, or of its parent) are neither.
func Hostile(t *testing.T, api *API, opts HostileOptions) {
	t.Helper()
	for key, path := range opts.Paths {
		rawPath, _, _ := strings.Cut(path, "?")
		method, _, _ := strings.Cut(key, " ")
		if route, _, ok := api.match(method, rawPath); !ok || route.Key() != key {
			t.Fatalf("Hostile: HostileOptions.Paths[%q] = %q is not a path of that route", key, path)
		}
	}
	for _, route := range api.routes {
		claims := opts.Claims
		if c, ok := opts.RouteClaims[route.Key()]; ok {
			claims = c
		}
		if !route.Secured {
			claims = nil
		} else if claims == nil {
			t.Fatalf("Hostile: %s is secured and HostileOptions gives it no claims", route.Key())
		}
		cases := api.hostileCases(route, opts)
		t.Run(route.Key(), func(t *testing.T) {
			for _, c := range cases {
				if !c.anonymous {
					c.req.Claims = claims
				}
				t.Run(c.name, func(t *testing.T) { checkHostile(t, api, c) })
			}
		})
	}
}

// checkHostile sends c's request and checks the answer.
func checkHostile(t testing.TB, api *API, c hostileCase) {
	t.Helper()
	req := c.req
	if c.prepare != nil && !c.prepare(t, api, &req) {
		t.Logf("%s: skipped", c.name)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("%s %s: panic: %v", req.Method, shorten(req.Path), v)
		}
	}()
	var res *Response
	if c.unrouted {
		// No route of the document has this path, so the document says
		// nothing about the answer; the handler must still refuse it.
		res = api.send(t, req, "$default", nil)
	} else {
		res = api.Do(t, req)
	}
	t.Logf("%d %s", res.Status, shorten(string(res.Body)))
	if c.unrouted && res.Status < 400 {
		t.Errorf("%s %s: status %d, want a 4xx problem", req.Method, shorten(req.Path), res.Status)
	}
	if res.Status >= 500 {
		t.Errorf("%s %s: status %d, want < 500\nbody: %s", req.Method, shorten(req.Path), res.Status, shorten(string(res.Body)))
		return
	}
	if res.Status >= 400 {
		mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		if mt != problem.ContentType {
			t.Errorf("%s %s: status %d with Content-Type %q, want %s", req.Method, shorten(req.Path),
				res.Status, res.Header.Get("Content-Type"), problem.ContentType)
			return
		}
	}
	checkExpectation(t, req, c.want, res)
}

// checkExpectation fails t if res does not meet want.
func checkExpectation(t testing.TB, req Request, want expectation, res *Response) {
	t.Helper()
	if slices.Contains(want.not, res.Status) {
		t.Errorf("%s %s: status %d, want none of %v\nbody: %s", req.Method, shorten(req.Path), res.Status, want.not, shorten(string(res.Body)))
	}
	for name, value := range want.header {
		if got := res.Header.Get(name); got != value {
			t.Errorf("%s %s: %s: %q, want %q", req.Method, shorten(req.Path), name, got, value)
		}
	}
	if want.status == 0 {
		return
	}
	if res.Status != want.status {
		t.Errorf("%s %s: status %d, want %d\nbody: %s", req.Method, shorten(req.Path), res.Status, want.status, shorten(string(res.Body)))
		return
	}
	if want.pointer == "" {
		return
	}
	var p problem.Problem
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Errorf("%s %s: problem: %v", req.Method, shorten(req.Path), err)
		return
	}
	for _, fe := range p.Errors {
		if fe.Pointer == want.pointer {
			return
		}
	}
	t.Errorf("%s %s: problem errors %+v, want one at %q", req.Method, shorten(req.Path), p.Errors, want.pointer)
}

type hostileCase struct {
	name     string
	req      Request
	unrouted bool // the path is not one of the route's (see API.match)
	// anonymous cases send no claims, even to a secured route.
	anonymous bool
	want      expectation
	// prepare, if not nil, completes req just before it is sent; false
	// skips the case.
	prepare func(t testing.TB, api *API, req *Request) bool
}

// expectation is what a case's answer must be beyond Hostile's general
// rules. The zero expectation adds nothing.
type expectation struct {
	status  int    // when not 0, the status
	pointer string // with status, when not "": a pointer the problem's errors name
	not     []int  // statuses the answer must not have
	// header, when not nil, holds headers the answer must carry, by name.
	header map[string]string
}

func wantStatus(status int) expectation { return expectation{status: status} }

func wantPointer(status int, pointer string) expectation {
	return expectation{status: status, pointer: pointer}
}

// hostileCases returns the battery for route.
func (api *API) hostileCases(route apispec.Route, opts HostileOptions) []hostileCase {
	item := api.doc.Paths.Value(route.Path)
	op := item.GetOperation(route.Method)
	params := parameters(item, op)

	base := Request{Method: route.Method, Path: opts.Paths[route.Key()], Header: map[string]string{}}
	if base.Path == "" {
		base.Path = fillPath(route.Path, nil)
	}
	for _, p := range params {
		if p.In != openapi3.ParameterInHeader {
			continue
		}
		if v, ok := opts.Headers[p.Name]; ok {
			base.Header[p.Name] = v
		} else if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Example != nil {
			base.Header[p.Name] = fmt.Sprint(p.Schema.Value.Example)
		}
	}
	sample := opts.Bodies[route.Key()]
	var bodySchema *openapi3.Schema
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if sample == "" {
			sample = "{}"
		}
		bodySchema = requestSchema(op.RequestBody.Value.Content)
		base.Body = sample
		if ct := requestContentType(op.RequestBody.Value.Content); ct != "" {
			base.Header["Content-Type"] = ct
		}
	}

	var cases []hostileCase
	build := func(name string, change func(r *Request)) hostileCase {
		r := base
		r.Header = maps.Clone(base.Header)
		change(&r)
		return hostileCase{name: name, req: r}
	}
	with := func(name string, change func(r *Request)) *hostileCase {
		cases = append(cases, build(name, change))
		return &cases[len(cases)-1]
	}

	// A secured route called without a token: API Gateway's authorizer
	// refuses it first, and the handler must too (its route table says
	// who may call each route), with the challenge RFC 9110 requires.
	if route.Secured {
		c := with("no token", func(*Request) {})
		c.anonymous = true
		c.want = expectation{status: 401, header: map[string]string{"WWW-Authenticate": "Bearer"}}
	}

	// Path parameters.
	for _, p := range params {
		if p.In != openapi3.ParameterInPath {
			continue
		}
		for _, v := range hostilePathValues {
			with("path "+p.Name+"="+v.name, func(r *Request) {
				r.Path = fillPath(route.Path, map[string]string{p.Name: v.value})
			})
			if v.value == "." || v.value == ".." {
				cases[len(cases)-1].unrouted = true
			}
		}
	}

	// Header parameters, before the cases that may reach the operation
	// with valid input and change the resource (a query parameter the
	// operation ignores, say). If-Match has its own battery; its cases that
	// may change the resource come last.
	var last []hostileCase
	for _, p := range params {
		if p.In != openapi3.ParameterInHeader {
			continue
		}
		if http.CanonicalHeaderKey(p.Name) == "If-Match" {
			last = api.ifMatchCases(route, p, opts, with, build)
			continue
		}
		for _, v := range hostileHeaderValues {
			with("header "+p.Name+"="+v.name, func(r *Request) { r.Header[p.Name] = v.value })
		}
	}

	// Query parameters, and one nobody declared.
	for _, p := range params {
		if p.In != openapi3.ParameterInQuery {
			continue
		}
		for _, v := range hostileQueryValues {
			with("query "+p.Name+"="+v.name, func(r *Request) {
				r.Path = withQuery(r.Path, strings.ReplaceAll(v.value, "NAME", url.QueryEscape(p.Name)))
			})
		}
	}
	with("query unknown", func(r *Request) { r.Path = withQuery(r.Path, "zzUnknown=1&=&&") })

	if op.RequestBody == nil {
		with("body unexpected", func(r *Request) {
			r.Body = `{"zzUnknown":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`
			r.Header["Content-Type"] = "application/json"
		})
		return append(cases, last...)
	}

	// Whole bodies.
	for _, b := range hostileBodies(sample) {
		c := with("body "+b.name, func(r *Request) {
			r.Body = b.value
			if b.value == "" {
				r.Header["Content-Type"] = ""
			}
		})
		c.want = bodyWants[b.name]
	}
	for _, ct := range hostileContentTypes {
		with("content-type "+ct.name, func(r *Request) { r.Header["Content-Type"] = ct.value })
	}

	// Members of the body, one at a time.
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(sample))
	dec.UseNumber()
	if dec.Decode(&doc) != nil || doc == nil {
		doc = map[string]any{}
	}
	for _, m := range members(bodySchema, nil, 0) {
		pointer := "/" + strings.Join(m.path, "/")
		for _, v := range wrongValues(m.schema) {
			body, err := json.Marshal(setMember(deepCopy(doc), m.path, v.value))
			if err != nil {
				panic(err) // the values are all valid JSON
			}
			c := with("member "+pointer+"="+v.name, func(r *Request) { r.Body = string(body) })
			if v.name == "lone-surrogate" {
				c.want = wantPointer(400, pointer)
			}
		}
		// What json.Marshal cannot write: invalid UTF-8, a member twice.
		marked, err := json.Marshal(setMember(deepCopy(doc), m.path, json.RawMessage(sentinel)))
		if err != nil {
			panic(err)
		}
		name, _ := json.Marshal(m.path[len(m.path)-1])
		if m.schema.Type.Is("string") {
			body := strings.Replace(string(marked), sentinel, "\"a\xff\xfeb\"", 1)
			with("member "+pointer+"=invalid-utf8", func(r *Request) { r.Body = body }).want = wantPointer(400, pointer)
		}
		twice := strings.Replace(string(marked), string(name)+":"+sentinel, string(name)+`:"a",`+string(name)+`:"b"`, 1)
		with("member "+pointer+"=twice", func(r *Request) { r.Body = twice }).want = wantPointer(400, pointer)
	}
	return append(cases, last...)
}

// sentinel marks where a body case puts what json.Marshal cannot write.
const sentinel = `"zzHostileSentinel"`

// ifMatchCases adds, through with, the cases for the If-Match header p of
// route, and returns, made by build, those to send after all others of the
// route because they may change the resource: "*", a list with the current
// ETag and, when If-Match is optional, none.
func (api *API) ifMatchCases(route apispec.Route, p *openapi3.Parameter, opts HostileOptions,
	with func(string, func(*Request)) *hostileCase, build func(string, func(*Request)) hostileCase) []hostileCase {
	_, found := opts.Paths[route.Key()]
	for _, v := range hostileIfMatchValues {
		c := with("header If-Match="+v.name, func(r *Request) { r.Header[p.Name] = v.value })
		switch {
		case v.status == http.StatusBadRequest:
			c.want = wantPointer(http.StatusBadRequest, "If-Match")
		case found:
			c.want = wantStatus(v.status)
		}
		// Without a resource, a well-formed If-Match meets a 404 first.
	}
	refused := []int{http.StatusBadRequest, http.StatusPreconditionFailed, http.StatusPreconditionRequired}
	missing := build("header If-Match=missing", func(r *Request) { delete(r.Header, p.Name) })
	if p.Required {
		missing.want = wantPointer(http.StatusPreconditionRequired, "If-Match")
		with(missing.name, func(r *Request) { delete(r.Header, p.Name) }).want = missing.want
	}
	current := build("header If-Match=list-with-current", func(*Request) {})
	current.want = expectation{not: refused}
	current.prepare = func(t testing.TB, api *API, req *Request) bool {
		tag := api.currentETag(t, *req)
		req.Header[p.Name] = `"0", W/` + tag + `, ` + tag
		return tag != ""
	}
	star := build("header If-Match=star", func(r *Request) { r.Header[p.Name] = "*" })
	star.want = expectation{not: refused}
	last := []hostileCase{current, star}
	if !p.Required {
		last = append(last, missing)
	}
	return last
}

// currentETag returns the ETag of the resource req is about: the answer to
// a GET of req's path, or else of its parent path, if the document has
// such a route and it answers 200 with an ETag. It returns "" otherwise.
func (api *API) currentETag(t testing.TB, req Request) string {
	t.Helper()
	path, _, _ := strings.Cut(req.Path, "?")
	for range 2 {
		if r, _, ok := api.match(http.MethodGet, path); ok {
			get := Request{Method: http.MethodGet, Path: path}
			if r.Secured {
				get.Claims = req.Claims
			}
			if res := api.Do(t, get); res.Status == http.StatusOK && res.Header.Get("ETag") != "" {
				return res.Header.Get("ETag")
			}
		}
		i := strings.LastIndex(path, "/")
		if i <= 0 {
			break
		}
		path = path[:i]
	}
	return ""
}

// parameters returns the parameters of op, with those of its path item
// that op does not override.
func parameters(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, ref := range op.Parameters {
		if ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	for _, ref := range item.Parameters {
		if p := ref.Value; p != nil && op.Parameters.GetByInAndName(p.In, p.Name) == nil {
			out = append(out, p)
		}
	}
	return out
}

// fillPath replaces each {parameter} of template with its escaped value in
// values, or with AbsentID.
func fillPath(template string, values map[string]string) string {
	segs := strings.Split(template, "/")
	for i, seg := range segs {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		segs[i] = AbsentID
		if v, ok := values[strings.TrimSuffix(name, "}")]; ok {
			segs[i] = v
		}
	}
	return strings.Join(segs, "/")
}

func withQuery(path, query string) string {
	if strings.Contains(path, "?") {
		return path + "&" + query
	}
	return path + "?" + query
}

// requestContentType returns the JSON media type the body accepts,
// preferring application/json.
func requestContentType(content openapi3.Content) string {
	if content.Get("application/json") != nil {
		return "application/json"
	}
	for _, name := range slices.Sorted(maps.Keys(content)) {
		if mt, _, _ := mime.ParseMediaType(name); mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return name
		}
	}
	return ""
}

func requestSchema(content openapi3.Content) *openapi3.Schema {
	mt := content.Get(requestContentType(content))
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

type hostileValue struct {
	name  string
	value string
}

// hostilePathValues are escaped path segments.
var hostilePathValues = []hostileValue{
	{"blank", "%20"},
	{"zero", "0"},
	{"negative", "-1"},
	{"null", "null"},
	{"star", "*"},
	{"template", "%7Bid%7D"},
	{"long", strings.Repeat("a", 10000)},
	{"unicode", url.PathEscape("ünïcødé-☃-𝄞")},
	{"invalid-utf8", "%FF%FE"},
	{"nul", "%00"},
	{"control", "%0D%0A"},
	{"dot", "."},
	{"dotdot", ".."},
	{"escaped-dotdot", "%2E%2E"},
	{"escaped-slash", "a%2Fb"},
	{"percent", "%25"},
	{"nil-uuid", "00000000-0000-0000-0000-000000000000"},
	{"absent-uuid", AbsentID},
	{"upper-uuid", strings.ToUpper(AbsentID)},
	{"uuid-suffix", AbsentID + "x"},
}

// hostileQueryValues are raw query strings; NAME stands for the
// parameter's escaped name.
var hostileQueryValues = []hostileValue{
	{"empty", "NAME="},
	{"bare", "NAME"},
	{"garbage", "NAME=" + url.QueryEscape(`garbage<>"'%;`)},
	{"unicode", "NAME=" + url.QueryEscape("ünï☃𝄞")},
	{"invalid-utf8", "NAME=%FF%FE"},
	{"nul", "NAME=%00"},
	{"bad-escape", "NAME=%zz"},
	{"long", "NAME=" + strings.Repeat("a", 10000)},
	{"repeated", "NAME=1&NAME=2"},
	{"repeated-empty", "NAME=&NAME="},
	{"zero", "NAME=0"},
	{"negative", "NAME=-1"},
	{"min-int64", "NAME=-9223372036854775808"},
	{"huge", "NAME=99999999999999999999999"},
	{"fraction", "NAME=1.5"},
	{"exponent", "NAME=1e3"},
	{"hex", "NAME=0x10"},
	{"spaces", "NAME=+1+"},
	{"null", "NAME=null"},
	{"cursor-garbage", "NAME=" + base64.RawURLEncoding.EncodeToString([]byte("garbage"))},
	{"cursor-uuid", "NAME=" + base64.RawURLEncoding.EncodeToString([]byte(AbsentID))},
	{"cursor-binary", "NAME=" + base64.RawURLEncoding.EncodeToString([]byte{0, 0xff, 0xfe, '\n'})},
	{"cursor-json", "NAME=" + base64.RawURLEncoding.EncodeToString([]byte(`{"id":"x","n":-1}`))},
	{"cursor-padded", "NAME=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("x")))},
	{"cursor-long", "NAME=" + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte("9"), 7500))},
	{"cursor-truncated", "NAME=" + base64.RawURLEncoding.EncodeToString([]byte(AbsentID))[:10]},
}

// hostileHeaderValues are header values; "" leaves the header out.
var hostileHeaderValues = []hostileValue{
	{"missing", ""},
	{"blank", " "},
	{"star", "*"},
	{"weak", `W/"1"`},
	{"unquoted", "1"},
	{"empty-tag", `""`},
	{"list", `"1", "2"`},
	{"zero", `"0"`},
	{"negative", `"-1"`},
	{"huge", `"99999999999999999999"`},
	{"max-int32", `"2147483648"`},
	{"long", strings.Repeat("a", 10000)},
	{"long-tag", `"1` + strings.Repeat("0", 10000) + `"`},
	{"unicode", "ünï☃"},
	{"control", "a\tb"},
	{"null", "null"},
}

// hostileIfMatchValues are If-Match values that must not change the
// resource, with the status each must get: 400 for a value that is not "*"
// or a list of entity tags, 412 for well-formed tags that match no
// version. Hostile sends "*", a list with the current tag and no If-Match
// itself.
var hostileIfMatchValues = []struct {
	name, value string
	status      int
}{
	{"blank", " ", http.StatusBadRequest},
	{"commas", ", ,", http.StatusBadRequest},
	{"unquoted", "1", http.StatusBadRequest},
	{"unterminated", `"1`, http.StatusBadRequest},
	{"lower-case-weak", `w/"1"`, http.StatusBadRequest},
	{"star-in-list", `*, "1"`, http.StatusBadRequest},
	{"space-in-tag", `"1 2"`, http.StatusBadRequest},
	{"long", strings.Repeat("a", 10000), http.StatusBadRequest},
	{"unicode", "ünï☃", http.StatusBadRequest},
	{"control", "\"a\tb\"", http.StatusBadRequest},
	{"null", "null", http.StatusBadRequest},
	{"weak", `W/"1"`, http.StatusPreconditionFailed},
	{"weak-list", `W/"1", W/"2", W/"3"`, http.StatusPreconditionFailed},
	{"empty-tag", `""`, http.StatusPreconditionFailed},
	{"foreign", `"hostile"`, http.StatusPreconditionFailed},
	{"foreign-list", `"7777", "hostile"`, http.StatusPreconditionFailed},
	{"zero", `"0"`, http.StatusPreconditionFailed},
	{"negative", `"-1"`, http.StatusPreconditionFailed},
	{"leading-zero", `"01"`, http.StatusPreconditionFailed},
	{"huge", `"99999999999999999999"`, http.StatusPreconditionFailed},
	{"max-int32+1", `"2147483648"`, http.StatusPreconditionFailed},
	{"long-tag", `"1` + strings.Repeat("0", 10000) + `"`, http.StatusPreconditionFailed},
}

var hostileContentTypes = []hostileValue{
	{"none", ""},
	{"text", "text/plain"},
	{"form", "application/x-www-form-urlencoded"},
	{"multipart", "multipart/form-data; boundary=x"},
	{"xml", "application/xml"},
	{"octets", "application/octet-stream"},
	{"malformed", "application/json;;=;"},
	{"json-prefix", "application/jsonx"},
	{"utf16", "application/json; charset=utf-16"},
}

// hostileBodies are whole request bodies; sample is the route's valid one.
func hostileBodies(sample string) []hostileValue {
	first := "zzUnknown"
	over := func(prefix, suffix string) string {
		return prefix + strings.Repeat("a", maxHostileBody-len(prefix)-len(suffix)) + suffix
	}
	return []hostileValue{
		{"none", ""},
		{"empty-object", "{}"},
		{"null", "null"},
		{"array", "[]"},
		{"array-of-sample", "[" + sample + "]"},
		{"string", `"hostile"`},
		{"number", "42"},
		{"bool", "true"},
		{"whitespace", " \n\t "},
		{"truncated", `{"` + first},
		{"malformed", `{"a":}`},
		{"trailing-comma", `{"a":1,}`},
		{"single-quotes", `{'a':1}`},
		{"trailing-data", sample + ` {}`},
		{"trailing-garbage", sample + `x`},
		{"bom", "\ufeff" + sample},
		{"invalid-utf8", "{\"a\":\"\xff\xfe\"}"},
		{"invalid-utf8-name", "{\"\xff\":1}"},
		{"lone-surrogate", `{"a":"\udc00"}`},
		{"duplicate-member", strings.TrimSuffix(strings.TrimSpace(sample), "}") + comma(sample) + `"zzUnknown":1,"zzUnknown":2}`},
		{"duplicate-nested", strings.TrimSuffix(strings.TrimSpace(sample), "}") + comma(sample) + `"zzUnknown":[{"a":1,"a":2}]}`},
		{"unknown-member", strings.TrimSuffix(strings.TrimSpace(sample), "}") + comma(sample) + `"zzUnknown":{}}`},
		{"nested-arrays", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
		{"nested-objects", strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)},
		{"over-1MiB", over(`{"zzUnknown":"`, `"}`)},
		{"over-1MiB-whitespace", sample + strings.Repeat(" ", max(maxHostileBody-len(sample), 0))},
	}
}

// bodyWants are the answers some of hostileBodies must get, by name.
var bodyWants = map[string]expectation{
	"invalid-utf8":      wantPointer(400, "/a"),
	"invalid-utf8-name": wantStatus(400),
	"lone-surrogate":    wantPointer(400, "/a"),
	"duplicate-member":  wantPointer(400, "/zzUnknown"),
	"duplicate-nested":  wantPointer(400, "/zzUnknown/0/a"),
}

// comma returns "," if sample, an object, has members.
func comma(sample string) string {
	if strings.ReplaceAll(strings.ReplaceAll(sample, " ", ""), "\n", "") == "{}" {
		return ""
	}
	return ","
}

// member is a property of a request schema, at a path of names.
type member struct {
	path   []string
	schema *openapi3.Schema
}

// members lists the properties of s, depth first in name order, with the
// properties of object properties (to a depth of 3).
func members(s *openapi3.Schema, prefix []string, depth int) []member {
	if s == nil || depth > 3 {
		return nil
	}
	var out []member
	props := map[string]*openapi3.SchemaRef{}
	maps.Copy(props, s.Properties)
	for _, sub := range s.AllOf {
		if sub.Value != nil {
			maps.Copy(props, sub.Value.Properties)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		ref := props[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		path := append(slices.Clip(prefix), name)
		out = append(out, member{path: path, schema: ref.Value})
		out = append(out, members(ref.Value, path, depth+1)...)
		if items := ref.Value.Items; items != nil && items.Value != nil && items.Value.Type.Is("object") {
			// Members of array items are reached through a one-element array.
			for _, m := range members(items.Value, nil, depth+1) {
				out = append(out, member{path: append(slices.Clip(path), append([]string{"0"}, m.path...)...), schema: m.schema})
			}
		}
	}
	return out
}

type jsonValue struct {
	name  string
	value json.RawMessage
}

// wrongValues returns values that s does not allow or that test its limits.
func wrongValues(s *openapi3.Schema) []jsonValue {
	kinds := []struct {
		kind  string
		value string
	}{
		{"string", `"hostile"`},
		{"integer", `7`},
		{"number", `1.5`},
		{"boolean", `true`},
		{"null", `null`},
		{"array", `[1,"a",null]`},
		{"object", `{"zzUnknown":1}`},
	}
	var out []jsonValue
	for _, k := range kinds {
		if s.Type.Is(k.kind) || (k.kind == "integer" && s.Type.Is("number")) {
			continue
		}
		out = append(out, jsonValue{"type-" + k.kind, json.RawMessage(k.value)})
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		for _, n := range []struct{ name, value string }{
			{"zero", "0"},
			{"negative", "-1"},
			{"max-int32+1", "2147483648"},
			{"max-int64", "9223372036854775807"},
			{"min-int64", "-9223372036854775808"},
			{"max-int64+1", "9223372036854775808"},
			{"min-int64-1", "-9223372036854775809"},
			{"max-uint64+1", "18446744073709551616"},
			{"exponent", "1e19"},
			{"negative-exponent", "-1e19"},
			{"overflow-float", "1e400"},
			{"tiny", "1e-400"},
			{"negative-zero", "-0"},
			{"integral-float", "1.0"},
			{"long", strings.Repeat("9", 5000)},
		} {
			out = append(out, jsonValue{n.name, json.RawMessage(n.value)})
		}
	case s.Type.Is("string"):
		for _, v := range []struct{ name, value string }{
			{"empty", `""`},
			{"blank", `"   "`},
			{"nul", `"a\u0000b"`},
			{"control", `"a\r\nb\t"`},
			{"lone-surrogate", `"\ud800"`},
			{"unicode", `"ünï☃𝄞 ﷽"`},
			{"long", `"` + strings.Repeat("a", 100000) + `"`},
			{"long-unicode", `"` + strings.Repeat("☃", 20000) + `"`},
		} {
			out = append(out, jsonValue{v.name, json.RawMessage(v.value)})
		}
	case s.Type.Is("array"):
		for _, v := range []struct{ name, value string }{
			{"empty", `[]`},
			{"nulls", `[null]`},
			{"strings", `["a"]`},
			{"empty-objects", `[{}]`},
			{"many", "[" + strings.Repeat("{},", 9999) + "{}]"},
		} {
			out = append(out, jsonValue{v.name, json.RawMessage(v.value)})
		}
	case s.Type.Is("object"):
		out = append(out, jsonValue{"empty", json.RawMessage(`{}`)})
	}
	return out
}

// setMember returns doc with the member at path set to v, creating
// objects (and one-element arrays for the name "0") on the way.
func setMember(doc map[string]any, path []string, v json.RawMessage) map[string]any {
	var set func(node any, path []string) any
	set = func(node any, path []string) any {
		if len(path) == 0 {
			return v
		}
		if path[0] == "0" {
			arr, _ := node.([]any)
			if len(arr) == 0 {
				arr = []any{map[string]any{}}
			}
			arr[0] = set(arr[0], path[1:])
			return arr
		}
		obj, ok := node.(map[string]any)
		if !ok || obj == nil {
			obj = map[string]any{}
		}
		obj[path[0]] = set(obj[path[0]], path[1:])
		return obj
	}
	return set(doc, path).(map[string]any)
}

// deepCopy copies a decoded JSON document.
func deepCopy(doc map[string]any) map[string]any {
	b, _ := json.Marshal(doc)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&out)
	return out
}

// shorten keeps failure messages readable when a request has a very long
// path or body.
func shorten(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:max], len(s))
}
