// Package problem writes RFC 9457 "problem details" responses
// (application/problem+json) and maps domain errors to HTTP statuses.
//
// Handlers return errors; one Responder per context turns every error into a
// problem through that context's Table, so the error-to-status decision lives
// in one place, and internal errors reach clients only as a generic 500 that
// carries the request id to quote when reporting it.
//
// A store or another context that is unavailable or too slow (see
// packages/unavailable) is a 503 with Retry-After in every context, and a
// client that hung up before its answer is not a server error.
//
// Every problem points at what is wrong with one rule (see FieldError): a
// member of the JSON body by a JSON Pointer (RFC 6901), a query parameter or
// header by its name as sent. A *validation.Error anywhere in an error's
// chain is a 422 whose fields become such pointers (FieldPointer).
package problem

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/quartet/packages/unavailable"
	"example.com/quartet/packages/validation"
)

// ContentType is the media type of every problem response.
const ContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object. It is also an error, so
// request decoding and validation can return one directly.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"requestId,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError points at one invalid part of a request, as in the example of
// RFC 9457 §3. Pointer is a JSON Pointer (RFC 6901) into the body for a
// body member ("/price/currency", "/lines/0", "" for the whole body), and
// the name as sent for a query parameter or header ("limit",
// "If-Match"): RFC 9457 leaves other locations open, and a name cannot be
// taken for a body pointer, which always starts with "/".
type FieldError struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// New returns a problem with the given status, the status text as title and
// the given detail.
func New(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// Invalid returns a 422 problem listing the invalid fields.
func Invalid(detail string, fields ...FieldError) *Problem {
	p := New(http.StatusUnprocessableEntity, detail)
	p.Errors = fields
	return p
}

// BadParams returns a 400 problem for invalid query parameters or headers,
// each named as the pointer of its error ("limit", "If-Match").
func BadParams(fields ...FieldError) *Problem {
	p := New(http.StatusBadRequest, "a parameter of the request is not valid")
	p.Errors = fields
	return p
}

// InvalidParams returns the 400 problem for a validation error whose fields
// are query parameters, each named as is.
func InvalidParams(ve *validation.Error) *Problem {
	fields := make([]FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = FieldError{Pointer: f.Field, Detail: f.Reason}
	}
	return BadParams(fields...)
}

// InvalidFields returns the 422 problem for a validation error about the
// members of a request body (and its headers), pointed at by FieldPointer.
func InvalidFields(ve *validation.Error) *Problem {
	fields := make([]FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = FieldError{Pointer: FieldPointer(f.Field), Detail: f.Reason}
	}
	return Invalid("some members of the request are not valid", fields...)
}

// FieldPointer returns the pointer of a validation field. A field names a
// body member by its JSON names joined with dots ("price.currency", array
// elements by index: "lines.1"), which becomes a JSON Pointer
// ("/price/currency", "/lines/1"); a field that starts with an upper-case
// letter names a header ("Idempotency-Key") and is kept as is.
func FieldPointer(field string) string {
	if r, _ := utf8.DecodeRuneInString(field); unicode.IsUpper(r) {
		return field
	}
	return Pointer(strings.Split(field, ".")...)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// Pointer returns the JSON Pointer (RFC 6901) made of the reference tokens,
// escaped: Pointer("a/b", "0") is "/a~1b/0"; Pointer() is "", the whole
// document.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(t))
	}
	return b.String()
}

func (p *Problem) Error() string {
	if p.Detail == "" {
		return strconv.Itoa(p.Status) + " " + p.Title
	}
	return strconv.Itoa(p.Status) + " " + p.Title + ": " + p.Detail
}

// Write sends p as the response.
func Write(w http.ResponseWriter, p *Problem) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Mapping maps errors matching Err (with errors.Is) to Status.
type Mapping struct {
	Err    error
	Status int
	// Pointer, when not "", is the body member or parameter the error is
	// about (see FieldError); the problem lists it with the error's text.
	Pointer string
	// RetryAfter, when not zero, is sent as Retry-After, unless the error
	// tells its own (see Responder).
	RetryAfter time.Duration
}

// Table is a context's error-to-status table. The first matching row wins.
type Table []Mapping

// Problem converts err into the problem a client sees. A *Problem anywhere
// in err's chain is returned as is; an error matching a row gets that row's
// status with err's message as detail; an error that unavailable.Is
// recognises is a 503 whose cause is withheld; anything else is an internal
// error whose detail is withheld from the client.
//
// A *validation.Error in err's chain is the 422 of InvalidFields.
func (t Table) Problem(err error) *Problem {
	p, _ := t.lookup(err)
	return p
}

// lookup is Problem, with the Retry-After of the matching row.
func (t Table) lookup(err error) (*Problem, time.Duration) {
	if p, ok := errors.AsType[*Problem](err); ok {
		return p, 0
	}
	if ve, ok := errors.AsType[*validation.Error](err); ok {
		return InvalidFields(ve), 0
	}
	for _, m := range t {
		if errors.Is(err, m.Err) {
			p := New(m.Status, err.Error())
			if m.Pointer != "" {
				p.Errors = []FieldError{{Pointer: m.Pointer, Detail: err.Error()}}
			}
			return p, m.RetryAfter
		}
	}
	if unavailable.Is(err) {
		return Unavailable(), 0
	}
	return New(http.StatusInternalServerError, "The server could not complete the request; quote the request id when reporting it."), 0
}

// RetryAfterError is an error that knows when the request may succeed if
// sent again, such as a throttled sign-in.
type RetryAfterError interface {
	error
	RetryAfter() time.Duration
}

// Unavailable returns the 503 problem of a request that failed because a
// store, or a context it depends on, is unavailable or too slow. Responder
// adds its Retry-After header.
func Unavailable() *Problem {
	return New(http.StatusServiceUnavailable,
		"A service this request depends on is unavailable or too slow; retry after "+unavailable.RetryAfterHeader+" s.")
}

// StatusClientClosedRequest is the status logged (and written, should
// anyone still read it) for a request whose caller hung up before its
// answer: nginx's 499, which no HTTP specification defines.
const StatusClientClosedRequest = 499

// Responder writes errors as problems through Table: the one path by which
// every context answers an error. Problems with a 5xx status are logged
// with the request id and the underlying error: 503s (unavailable stores)
// at WARN, other 5xx (bugs) at ERROR.
//
// A RetryAfterError in the error's chain, or else its Table row, sets
// Retry-After in whole seconds, rounded up; every 503 carries one
// (unavailable.RetryAfter) unless the handler or the error set one. A 401
// carries "WWW-Authenticate: Bearer" (RFC 9110 §11.6.1 requires it).
//
// A request whose own context was canceled — the caller hung up; the
// request budget and Lambda's deadline end contexts with
// context.DeadlineExceeded, never Canceled — gets status 499 instead of a
// 5xx, logged at INFO: it is the client's choice, not a server failure.
type Responder struct {
	Table     Table
	Logger    *slog.Logger
	RequestID func(context.Context) string
}

// Error writes err as a problem response to r.
func (rs Responder) Error(w http.ResponseWriter, r *http.Request, err error) {
	found, retry := rs.Table.lookup(err)
	p := *found
	if ra, ok := errors.AsType[RetryAfterError](err); ok {
		retry = ra.RetryAfter()
	}
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
	}
	level, msg := slog.LevelError, "request failed"
	switch {
	case p.Status < http.StatusInternalServerError:
		// The request log has its status; nothing went wrong here.
	case errors.Is(r.Context().Err(), context.Canceled):
		p = Problem{Type: "about:blank", Title: "Client Closed Request", Status: StatusClientClosedRequest,
			Detail: "the client closed the request before its answer"}
		level, msg = slog.LevelInfo, "client closed the request"
	case p.Status == http.StatusServiceUnavailable:
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", unavailable.RetryAfterHeader)
		}
		level = slog.LevelWarn
	}
	p.Instance = r.URL.Path
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	if rs.RequestID != nil {
		p.RequestID = rs.RequestID(r.Context())
	}
	if p.Status >= http.StatusInternalServerError || p.Status == StatusClientClosedRequest {
		if rs.Logger != nil {
			rs.Logger.Log(r.Context(), level, msg,
				"method", r.Method, "path", r.URL.Path, "status", p.Status,
				"request_id", p.RequestID, "err", err)
		}
	}
	Write(w, &p)
}
