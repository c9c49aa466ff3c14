// Package page reads the paging parameters every list of Quartet takes,
// the same way in every context: `limit`, how many items a page holds, and
// `cursor`, the opaque token of the page's start that the previous page
// returned as nextCursor. A cursor is base64url (no padding) over bytes
// that only the context that issued it interprets.
package page

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"

	"example.com/quartet/packages/problem"
)

// Params are the paging parameters of a request.
type Params struct {
	Limit  int
	Cursor []byte // nil when the request has no cursor
}

// Read returns the paging parameters in v, with limit def when v has none,
// and the problems with them, each naming its parameter (problem.BadParams
// turns them into the 400): a limit that is not an integer from 1 to max,
// or a cursor that is not base64url. The caller checks what the cursor's
// bytes mean and reports a cursor it did not issue with BadCursor.
func Read(v url.Values, def, max int) (Params, []problem.FieldError) {
	p := Params{Limit: def}
	var errs []problem.FieldError
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > max {
			errs = append(errs, problem.FieldError{Pointer: "limit", Detail: fmt.Sprintf("must be an integer between 1 and %d", max)})
		} else {
			p.Limit = n
		}
	}
	if s := v.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			errs = append(errs, BadCursor())
		} else {
			p.Cursor = b
		}
	}
	return p, errs
}

// BadCursor is the problem with a cursor this API did not issue.
func BadCursor() problem.FieldError {
	return problem.FieldError{Pointer: "cursor", Detail: "is not a cursor this API issued"}
}

// Cursor returns the cursor token for b, the context's own description of
// where the next page starts.
func Cursor(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
