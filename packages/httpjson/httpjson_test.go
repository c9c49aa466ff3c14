package httpjson_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/problem"
)

type input struct {
	Name  string `json:"name"`
	Stock int    `json:"stock"`
	Price struct {
		Amount int64 `json:"amount"`
	} `json:"price"`
}

func TestDecode(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", httpjson.MaxBodyBytes) + `"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		chunked     bool
		wantStatus  int // 0 = success
		wantPointer string
	}{
		{name: "valid", contentType: "application/json", body: `{"name":"Mug","stock":3}`},
		{name: "json with charset", contentType: "application/json; charset=utf-8", body: `{"name":"Mug"}`},
		{name: "merge patch media type", contentType: "application/merge-patch+json", body: `{"name":"Mug"}`},
		{name: "missing content type", body: `{}`, wantStatus: 415},
		{name: "text content type", contentType: "text/plain", body: `{}`, wantStatus: 415},
		{name: "empty body", contentType: "application/json", wantStatus: 400},
		{name: "malformed", contentType: "application/json", body: `{"name":}`, wantStatus: 400},
		{name: "truncated", contentType: "application/json", body: `{"name":"Mug"`, wantStatus: 400},
		{name: "unknown member", contentType: "application/json", body: `{"nam":"Mug"}`, wantStatus: 400, wantPointer: "/nam"},
		{name: "wrong type", contentType: "application/json", body: `{"stock":"three"}`, wantStatus: 400, wantPointer: "/stock"},
		{name: "wrong nested type", contentType: "application/json", body: `{"price":{"amount":1.5}}`, wantStatus: 400, wantPointer: "/price/amount"},
		{name: "two values", contentType: "application/json", body: `{} {}`, wantStatus: 400},
		{name: "invalid UTF-8", contentType: "application/json", body: "{\"name\":\"M\xffg\"}", wantStatus: 400, wantPointer: "/name"},
		{name: "invalid UTF-8 nested", contentType: "application/json", body: "{\"name\":\"Mug\",\"tags\":[\"a\",{\"x/y~\":\"\xc3\"}]}", wantStatus: 400, wantPointer: "/tags/1/x~1y~0"},
		{name: "invalid UTF-8 in a member name", contentType: "application/json", body: "{\"n\xe2\x82\":1}", wantStatus: 400},
		{name: "invalid UTF-8 in an unknown member", contentType: "application/json", body: "{\"zz\":\"\xff\"}", wantStatus: 400, wantPointer: "/zz"},
		{name: "overlong UTF-8", contentType: "application/json", body: "{\"name\":\"\xc0\xaf\"}", wantStatus: 400, wantPointer: "/name"},
		{name: "UTF-8 surrogate", contentType: "application/json", body: "{\"name\":\"\xed\xa0\x80\"}", wantStatus: 400, wantPointer: "/name"},
		{name: "lone high surrogate escape", contentType: "application/json", body: `{"name":"a\ud800b"}`, wantStatus: 400, wantPointer: "/name"},
		{name: "lone low surrogate escape", contentType: "application/json", body: `{"name":"\uDC00"}`, wantStatus: 400, wantPointer: "/name"},
		{name: "reversed surrogate escapes", contentType: "application/json", body: `{"name":"\udc00\ud800"}`, wantStatus: 400, wantPointer: "/name"},
		{name: "surrogate pair escape", contentType: "application/json", body: `{"name":"\ud834\udd1e \u00e9 \\ud800"}`},
		{name: "non-ASCII", contentType: "application/json", body: `{"name":"ünï☃𝄞"}`},
		{name: "duplicate member", contentType: "application/json", body: `{"name":"a","stock":1,"name":"b"}`, wantStatus: 400, wantPointer: "/name"},
		{name: "duplicate member by escape", contentType: "application/json", body: `{"name":"a","n\u0061me":"b"}`, wantStatus: 400, wantPointer: "/name"},
		{name: "duplicate nested member", contentType: "application/json", body: `{"price":{"amount":1,"amount":2}}`, wantStatus: 400, wantPointer: "/price/amount"},
		{name: "duplicate member in an array", contentType: "application/json", body: `{"name":"a","tags":[{"a":1},{"a":1,"a":2}]}`, wantStatus: 400, wantPointer: "/tags/1/a"},
		{name: "same name in sibling objects", contentType: "application/json", body: `{"price":{"amount":1},"stock":{"amount":1}}`, wantStatus: 400, wantPointer: "/stock"},
		{name: "oversize with length", contentType: "application/json", body: big, wantStatus: 413},
		{name: "oversize chunked", contentType: "application/json", body: big, chunked: true, wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			if tt.chunked {
				r.ContentLength = -1
			}
			var dst input
			err := httpjson.Decode(httptest.NewRecorder(), r, &dst)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Decode() = %v, want nil", err)
				}
				return
			}
			var p *problem.Problem
			if !errors.As(err, &p) {
				t.Fatalf("Decode() = %v, want a *problem.Problem", err)
			}
			if p.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d (%s)", p.Status, tt.wantStatus, p.Detail)
			}
			if tt.wantPointer != "" && (len(p.Errors) != 1 || p.Errors[0].Pointer != tt.wantPointer) {
				t.Errorf("errors = %+v, want one at %q", p.Errors, tt.wantPointer)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	w := httptest.NewRecorder()
	httpjson.Write(w, http.StatusCreated, map[string]string{"id": "p1"})
	if w.Code != 201 || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != "{\"id\":\"p1\"}\n" {
		t.Errorf("got %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}
