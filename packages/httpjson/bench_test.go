package httpjson_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/quartet/packages/httpjson"
)

// BenchmarkDecode measures Decode, with its UTF-8 and repeated-member walk,
// against a bare json.Decoder on the same request: the walk's price.
func BenchmarkDecode(b *testing.B) {
	type line struct {
		ProductID string `json:"productId"`
		Quantity  int    `json:"quantity"`
	}
	type order struct {
		Name  string `json:"name"`
		Note  string `json:"note"`
		Lines []line `json:"lines"`
	}
	small := `{"name":"Ann Lee","note":"Ring twice ☃","lines":[{"productId":"0190f3b6-7c1d-7a2b-9c3d-4e5f60718293","quantity":2}]}`
	many := `{"name":"Ann Lee","note":"` + strings.Repeat("x", 64<<10) + `","lines":[` +
		strings.Repeat(`{"productId":"0190f3b6-7c1d-7a2b-9c3d-4e5f60718293","quantity":2},`, 999) +
		`{"productId":"0190f3b6-7c1d-7a2b-9c3d-4e5f60718293","quantity":2}]}`
	for _, body := range []struct{ name, json string }{{"small", small}, {"1000-lines", many}} {
		b.Run(body.name+"/httpjson", func(b *testing.B) {
			b.SetBytes(int64(len(body.json)))
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body.json))
				r.Header.Set("Content-Type", "application/json")
				var dst order
				if err := httpjson.Decode(httptest.NewRecorder(), r, &dst); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(body.name+"/encoding-json", func(b *testing.B) {
			b.SetBytes(int64(len(body.json)))
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body.json))
				r.Header.Set("Content-Type", "application/json")
				var dst order
				dec := json.NewDecoder(http.MaxBytesReader(httptest.NewRecorder(), r.Body, httpjson.MaxBodyBytes))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
