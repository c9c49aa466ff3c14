// Package validation reports everything that is wrong with a value a client
// sent, field by field, so that an API can answer with one problem that
// points at every invalid member instead of one complaint per round trip.
//
// Domains declare their rules with Check and return Err; handlers recognise
// *Error (or ErrInvalid) and turn its fields into problem pointers.
package validation

import (
	"errors"
	"strings"
)

// ErrInvalid matches every *Error.
var ErrInvalid = errors.New("invalid input")

// FieldError names one invalid field and why it is invalid.
type FieldError struct {
	Field  string // the field's JSON name; nested fields joined with dots: "price.currency"
	Reason string // completes the sentence "<field> ...": "must be an ISO 4217 code"
}

// Error lists every invalid field of a value. errors.Is(err, ErrInvalid)
// holds for it.
type Error struct{ Fields []FieldError }

func (e *Error) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Reason
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Field returns an Error about a single field.
func Field(field, reason string) *Error {
	return &Error{Fields: []FieldError{{Field: field, Reason: reason}}}
}

// Errors collects field errors while a value is checked.
type Errors []FieldError

// Check records that field is invalid, for reason, unless ok.
func (es *Errors) Check(ok bool, field, reason string) {
	if !ok {
		*es = append(*es, FieldError{Field: field, Reason: reason})
	}
}

// Err returns the collected errors as an *Error, or nil when there are none.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return &Error{Fields: es}
}

// UUID reports whether s is a UUID as Quartet writes its IDs: 32
// lower-case hexadecimal digits in groups of 8-4-4-4-12 joined by hyphens.
// Other spellings (upper case, braces, no hyphens) are no ID it issued, so
// one resource has one ID, and a malformed ID can answer "not found"
// before it reaches a store.
func UUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}
