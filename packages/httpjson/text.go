package httpjson

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"example.com/quartet/packages/problem"
)

// checkText walks the JSON text in body and returns a 400 problem for the
// first string that is not valid UTF-8 or escapes a lone surrogate (RFC
// 8259 §8.1 and §8.2, I-JSON RFC 7493 §2.1), or the first object that names
// a member twice (I-JSON §2.3), pointing at the member. It returns nil for
// malformed JSON, which the decoder then reports with its offset.
func checkText(body []byte) *problem.Problem {
	bad := firstInvalidUTF8(body)
	hasEscape := bytes.Contains(body, []byte(`\u`))
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or malformed JSON: Decode reports it
		}
		end := dec.InputOffset()
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				stack[len(stack)-1].valueDone()
			}
			continue
		}
		isKey := top != nil && top.object && top.wantKey
		if isKey {
			name := tok.(string)
			top.key, top.wantKey = name, false
			if top.seen == nil {
				top.seen = map[string]bool{}
			}
			if top.seen[name] {
				return memberProblem(stack, "the request body names a member twice", "appears more than once in its object")
			}
			top.seen[name] = true
		}
		if _, ok := tok.(string); ok {
			raw := body[start:end]
			switch {
			case bad >= int(start) && bad < int(end):
				return memberProblem(stack, "a string in the request body is not valid UTF-8", "must be UTF-8 text")
			case hasEscape && !validEscapes(raw):
				return memberProblem(stack, "a string in the request body escapes a lone UTF-16 surrogate",
					"must hold Unicode characters only: a \\uD800-\\uDFFF escape needs its pair")
			}
		}
		switch {
		case isKey:
		case tok == json.Delim('{'):
			stack = append(stack, &frame{object: true, wantKey: true})
		case tok == json.Delim('['):
			stack = append(stack, &frame{})
		case top != nil:
			top.valueDone()
		}
	}
}

// frame is an object or array being walked.
type frame struct {
	object  bool
	wantKey bool            // object: the next token is a member name or '}'
	key     string          // object: the member being read
	seen    map[string]bool // object: the member names so far
	index   int             // array: the element being read
}

// valueDone records that the current member or element ended.
func (f *frame) valueDone() {
	if f.object {
		f.wantKey = true
	} else {
		f.index++
	}
}

// memberProblem returns a 400 problem about the member or element that the
// walk is at: its JSON Pointer is built from the open objects and arrays.
func memberProblem(stack []*frame, detail, fieldDetail string) *problem.Problem {
	tokens := make([]string, len(stack))
	for i, f := range stack {
		if f.object {
			tokens[i] = f.key
		} else {
			tokens[i] = strconv.Itoa(f.index)
		}
	}
	p := problem.New(http.StatusBadRequest, detail)
	p.Errors = []problem.FieldError{{Pointer: problem.Pointer(tokens...), Detail: fieldDetail}}
	return p
}

// firstInvalidUTF8 returns the offset of the first byte of b that is not
// part of valid UTF-8, or -1.
func firstInvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// validEscapes reports whether raw, a JSON string token with its quotes,
// pairs every \u escape of a UTF-16 surrogate: a high one followed by a low
// one. encoding/json turns a lone surrogate into U+FFFD.
func validEscapes(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i >= len(raw) || raw[i] != 'u' {
			continue // \" \\ \/ \b \f \n \r \t, or malformed: Decode reports it
		}
		r, ok := hex4(raw[i+1:])
		if !ok {
			continue
		}
		i += 4
		if !utf16.IsSurrogate(rune(r)) {
			continue
		}
		if r >= 0xDC00 { // a low surrogate first
			return false
		}
		if i+2 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
			return false
		}
		low, ok := hex4(raw[i+3:])
		if !ok || low < 0xDC00 || low > 0xDFFF {
			return false
		}
		i += 6
	}
	return true
}

func hex4(b []byte) (uint16, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return uint16(n), err == nil
}
