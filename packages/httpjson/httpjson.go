// Package httpjson decodes JSON request bodies strictly and encodes JSON
// responses, so every context answers bad input the same way: a 4xx problem
// that says what is wrong and where, never a 5xx.
package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"example.com/quartet/packages/problem"
)

// MaxBodyBytes is the largest request body Decode accepts.
const MaxBodyBytes = 1 << 20

// Decode reads r's JSON body into dst. It returns a *problem.Problem:
//   - 415 when the content type is not JSON,
//   - 413 when the body is larger than MaxBodyBytes (refused before decoding
//     when the request declares its length),
//   - 400 when the body is empty, malformed, has members dst does not know,
//     values of the wrong type, or more than one JSON value;
//   - 400 when a string anywhere in it (member names included) is not valid
//     UTF-8 or escapes a lone UTF-16 surrogate, or when an object anywhere
//     in it names a member twice: encoding/json would store U+FFFD or let
//     the last member win, silently. The problem points at the member with
//     a JSON Pointer (RFC 6901).
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if !isJSON(r.Header.Get("Content-Type")) {
		return problem.New(http.StatusUnsupportedMediaType, "the request body must be application/json")
	}
	if r.ContentLength > MaxBodyBytes {
		return tooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooLarge()
		}
		return fmt.Errorf("read request body: %w", err)
	}
	if p := checkText(body); p != nil {
		return p
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.New(http.StatusBadRequest, "the request body must hold a single JSON value")
	}
	return nil
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func tooLarge() *problem.Problem {
	return problem.New(http.StatusRequestEntityTooLarge,
		"the request body must not exceed "+strconv.Itoa(MaxBodyBytes)+" bytes")
}

func decodeProblem(err error) *problem.Problem {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxErr    *http.MaxBytesError
	)
	switch {
	case errors.As(err, &maxErr):
		return tooLarge()
	case errors.Is(err, io.EOF):
		return problem.New(http.StatusBadRequest, "the request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return problem.New(http.StatusBadRequest, "the request body is not valid JSON: it ends too early")
	case errors.As(err, &syntaxErr):
		return problem.New(http.StatusBadRequest,
			fmt.Sprintf("the request body is not valid JSON at offset %d: %v", syntaxErr.Offset, syntaxErr))
	case errors.As(err, &typeErr):
		pointer := problem.Pointer(strings.Split(typeErr.Field, ".")...)
		p := problem.New(http.StatusBadRequest, "a member of the request body has the wrong type")
		p.Errors = []problem.FieldError{{Pointer: pointer, Detail: "must be " + jsonKind(typeErr.Type.Kind().String())}}
		return p
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ := strconv.Unquote(field)
		p := problem.New(http.StatusBadRequest, "the request body has a member this operation does not accept")
		p.Errors = []problem.FieldError{{Pointer: problem.Pointer(name), Detail: "unknown member"}}
		return p
	}
	return problem.New(http.StatusBadRequest, "the request body could not be decoded: "+err.Error())
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice", kind == "array":
		return "an array"
	default:
		return "an object"
	}
}

// Write sends v as a JSON response with the given status.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
