// Package etag carries a resource's version in HTTP entity tags, for
// optimistic concurrency: a response sends `ETag: "3"`, and a write sends
// `If-Match: "3"` so that it fails (412) instead of overwriting a change
// made since the client read version 3.
//
// If-Match is parsed strictly: exactly one strong tag of the form Of
// returns. "*", weak tags and lists are refused with a 400 problem rather
// than treated as a silent mismatch.
package etag

import (
	"net/http"
	"regexp"
	"strconv"

	"example.com/quartet/packages/problem"
)

// Of returns the strong entity tag of a resource at version: `"3"`.
func Of(version int) string { return `"` + strconv.Itoa(version) + `"` }

var pattern = regexp.MustCompile(`^"([1-9][0-9]{0,9})"$`)

// IfMatch returns the version in h's If-Match header, and false when there
// is none. resource names what the tag belongs to in the problem's text,
// such as "product".
func IfMatch(h http.Header, resource string) (version int, ok bool, err error) {
	values := h.Values("If-Match")
	if len(values) == 0 {
		return 0, false, nil
	}
	var m []string
	if len(values) == 1 {
		m = pattern.FindStringSubmatch(values[0])
	}
	if m == nil {
		return 0, false, invalid(`must be one ETag of this ` + resource + ` as the API returned it, such as "3"`)
	}
	version, err = strconv.Atoi(m[1])
	if err != nil || version > 1<<31-1 {
		return 0, false, invalid("is out of range")
	}
	return version, true, nil
}

// Require is IfMatch for writes that must not run blind: a missing
// If-Match header is a 428 problem.
func Require(h http.Header, resource string) (int, error) {
	version, ok, err := IfMatch(h, resource)
	if err != nil || ok {
		return version, err
	}
	p := problem.New(http.StatusPreconditionRequired,
		"send the "+resource+"'s ETag in If-Match, so that no change made since you read it is lost")
	p.Errors = []problem.FieldError{{Pointer: "If-Match", Detail: "is required"}}
	return 0, p
}

func invalid(detail string) *problem.Problem {
	return problem.BadParams(problem.FieldError{Pointer: "If-Match", Detail: detail})
}
