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
package problem

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"example.com/quartet/packages/unavailable"
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

// FieldError points at one invalid member of a request, as in the example
// of RFC 9457 §3: a JSON Pointer (RFC 6901) into the body, or the name of a
// query or path parameter.
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
}

// Table is a context's error-to-status table. The first matching row wins.
type Table []Mapping

// Problem converts err into the problem a client sees. A *Problem anywhere
// in err's chain is returned as is; an error matching a row gets that row's
// status with err's message as detail; an error that unavailable.Is
// recognises is a 503 whose cause is withheld; anything else is an internal
// error whose detail is withheld from the client.
func (t Table) Problem(err error) *Problem {
	if p, ok := errors.AsType[*Problem](err); ok {
		return p
	}
	for _, m := range t {
		if errors.Is(err, m.Err) {
			return New(m.Status, err.Error())
		}
	}
	if unavailable.Is(err) {
		return Unavailable()
	}
	return New(http.StatusInternalServerError, "The server could not complete the request; quote the request id when reporting it.")
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

// Responder writes errors as problems through Table. Problems with a 5xx
// status are logged with the request id and the underlying error: 503s
// (unavailable stores) at WARN, other 5xx (bugs) at ERROR. Every 503 carries
// Retry-After (unavailable.RetryAfter) unless the handler set one.
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
	p := *rs.Table.Problem(err)
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
