package httpapi

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"

	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
)

// maxSearchLen bounds the q parameter, in characters.
const maxSearchLen = 200

// pageQuery reads the query parameters of GET /v1/products. It returns a
// 400 problem naming every invalid parameter.
func pageQuery(v url.Values) (catalog.Query, error) {
	q := catalog.Query{Category: v.Get("category"), Search: v.Get("q"), Limit: catalog.DefaultLimit}
	var errs []problem.FieldError
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > catalog.MaxLimit {
			errs = append(errs, problem.FieldError{Pointer: "limit",
				Detail: fmt.Sprintf("must be an integer between 1 and %d", catalog.MaxLimit)})
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		after, ok := decodeCursor(s)
		if !ok {
			errs = append(errs, problem.FieldError{Pointer: "cursor", Detail: "is not a cursor this API issued"})
		}
		q.After = after
	}
	if q.Category != "" && !catalog.ValidSlug(q.Category) {
		errs = append(errs, problem.FieldError{Pointer: "category", Detail: "must be a category slug"})
	}
	if utf8.RuneCountInString(q.Search) > maxSearchLen {
		errs = append(errs, problem.FieldError{Pointer: "q", Detail: fmt.Sprintf("must be at most %d characters", maxSearchLen)})
	}
	if errs != nil {
		return catalog.Query{}, problem.BadParams(errs...)
	}
	return q, nil
}

// A cursor is the ID of the last product of a page, base64url-encoded so
// that clients treat it as opaque and the encoding can change.

func encodeCursor(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastID))
}

// decodeCursor returns the product ID in cursor. The service checks that it
// is an ID; here it only has to decode.
func decodeCursor(cursor string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}
