package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"net/url"

	"example.com/quartet/packages/page"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/reviews/internal/reviews"
)

// pageQuery reads the query parameters of GET /v1/products/{id}/reviews.
// It returns a 400 problem naming every invalid parameter.
func pageQuery(productID string, v url.Values) (reviews.Query, error) {
	p, errs := page.Read(v, reviews.DefaultLimit, reviews.MaxLimit)
	q := reviews.Query{ProductID: productID, Limit: p.Limit}
	sort, ok := reviews.ParseSort(v.Get("sort"))
	if !ok {
		errs = append(errs, problem.FieldError{Pointer: "sort", Detail: "must be newest, helpful or rating"})
	}
	q.Sort = sort
	if p.Cursor != nil && ok {
		after, ok := decodeCursor(p.Cursor, sort)
		if !ok {
			errs = append(errs, problem.FieldError{Pointer: "cursor", Detail: "is not a cursor this API issued for this sort"})
		}
		q.After = after
	}
	if errs != nil {
		return reviews.Query{}, problem.BadParams(errs...)
	}
	return q, nil
}

// A cursor is the position where a page ended, bound to its sort order:
//
//	base64url( sort | 0 | key (4 bytes) | review id | checksum (8 bytes) )
//
// The checksum, the first bytes of SHA-256 over the rest, makes a cursor
// that was cut, mistyped or edited a 400 instead of a silently different
// page. It is not a secret: forging a valid cursor only picks a different
// starting point in a public listing, which the sort parameters allow
// anyway.
const checksumLen = 8

func encodeCursor(sort reviews.Sort, p reviews.Position) string {
	b := append([]byte(sort), 0)
	b = binary.BigEndian.AppendUint32(b, uint32(p.Key))
	b = append(b, p.ID...)
	sum := sha256.Sum256(b)
	return page.Cursor(append(b, sum[:checksumLen]...))
}

// decodeCursor returns the position in b, a cursor's bytes, if encodeCursor
// made it for sort.
func decodeCursor(b []byte, sort reviews.Sort) (*reviews.Position, bool) {
	if len(b) < checksumLen {
		return nil, false
	}
	b, sum := b[:len(b)-checksumLen], b[len(b)-checksumLen:]
	if want := sha256.Sum256(b); !bytes.Equal(sum, want[:checksumLen]) {
		return nil, false
	}
	name, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || string(name) != string(sort) || len(rest) < 4 {
		return nil, false
	}
	p := reviews.Position{Key: int(int32(binary.BigEndian.Uint32(rest))), ID: string(rest[4:])}
	if !reviews.ValidID(p.ID) {
		return nil, false
	}
	return &p, true
}
