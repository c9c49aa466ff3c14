// Package etag carries a resource's version in HTTP entity tags, for
// optimistic concurrency: a response sends `ETag: "3"`, and a write sends
// `If-Match: "3"` so that it fails (412) instead of overwriting a change
// made since the client read version 3.
//
// If-Match is evaluated as RFC 9110 §13.1.1 says: "*" matches any current
// representation, a list matches when any of its strong tags matches the
// current one (strong comparison, §8.8.3.2), and weak tags or tags this API
// never issued simply do not match, which is a 412 once the resource is
// found. Only a header that is not an If-Match field value at all is a 400
// problem.
package etag

import (
	"net/http"
	"strconv"
	"strings"

	"example.com/quartet/packages/problem"
)

// Of returns the strong entity tag of a resource at version: `"3"`.
func Of(version int) string { return `"` + strconv.Itoa(version) + `"` }

// Condition is the If-Match precondition of a request. The zero Condition,
// for a request without If-Match, matches every version.
type Condition struct {
	present bool
	any     bool     // "*"
	strong  []string // the strong tags listed, quotes included
}

// Present reports whether the request sent If-Match.
func (c Condition) Present() bool { return c.present }

// Match reports whether a resource currently at version satisfies c. Pass
// it (as c.Match) to the domain operation, which calls it on the version
// it is about to change, under the store's lock or condition, so the check
// cannot race with another write.
func (c Condition) Match(version int) bool {
	if !c.present || c.any {
		return true
	}
	tag := Of(version)
	for _, s := range c.strong {
		if s == tag {
			return true
		}
	}
	return false
}

// IfMatch returns the precondition in h's If-Match header; several header
// lines form one list, as RFC 9110 §5.3 combines them. resource names what
// the tag belongs to in the problem's text, such as "product". A value that
// is not "*" or a list of entity tags is a 400 problem.
func IfMatch(h http.Header, resource string) (Condition, error) {
	values := h.Values("If-Match")
	if len(values) == 0 {
		return Condition{}, nil
	}
	c := Condition{present: true}
	tags := 0
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			elem = strings.Trim(elem, " \t")
			switch {
			case elem == "": // empty list elements are ignored (RFC 9110 §5.6.1.2)
				continue
			case elem == "*":
				c.any = true
			case isEntityTag(elem):
				if !strings.HasPrefix(elem, "W/") {
					c.strong = append(c.strong, elem)
				}
			default:
				return Condition{}, invalid(resource)
			}
			tags++
		}
	}
	// "*" stands alone, and a header with no element says nothing.
	if tags == 0 || (c.any && tags > 1) {
		return Condition{}, invalid(resource)
	}
	return c, nil
}

// Require is IfMatch for writes that must not run blind: a missing
// If-Match header is a 428 problem.
func Require(h http.Header, resource string) (Condition, error) {
	c, err := IfMatch(h, resource)
	if err != nil || c.present {
		return c, err
	}
	p := problem.New(http.StatusPreconditionRequired,
		"send the "+resource+"'s ETag in If-Match, so that no change made since you read it is lost")
	p.Errors = []problem.FieldError{{Pointer: "If-Match", Detail: "is required"}}
	return Condition{}, p
}

// isEntityTag reports whether s is an entity-tag of RFC 9110 §8.8.3:
// [ "W/" ] DQUOTE *etagc DQUOTE, with etagc = %x21 / %x23-7E / obs-text.
// A comma is an etagc too, but splitting the list at commas first is what
// every HTTP implementation does; no tag this API issues holds one.
func isEntityTag(s string) bool {
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; c < 0x21 || c == '"' || c == 0x7f {
			return false
		}
	}
	return true
}

func invalid(resource string) *problem.Problem {
	return problem.BadParams(problem.FieldError{Pointer: "If-Match",
		Detail: `must be "*" or a list of entity tags, such as the ETag of this ` + resource + ` as the API returned it: "3"`})
}
