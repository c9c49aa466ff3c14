package httpapi

import (
	"fmt"
	"net/url"
	"unicode/utf8"

	"example.com/quartet/packages/page"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
)

// maxSearchLen bounds the q parameter, in characters.
const maxSearchLen = 200

// pageQuery reads the query parameters of GET /v1/products. It returns a
// 400 problem naming every invalid parameter.
func pageQuery(v url.Values) (catalog.Query, error) {
	p, errs := page.Read(v, catalog.DefaultLimit, catalog.MaxLimit)
	// A cursor is the ID of the last product of a page; the service checks
	// that it is one.
	q := catalog.Query{Category: v.Get("category"), Search: v.Get("q"), Limit: p.Limit, After: string(p.Cursor)}
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
