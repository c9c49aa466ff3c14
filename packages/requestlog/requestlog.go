// Package requestlog gives every request an id, logs one structured line per
// request with log/slog, and turns a panic into a 500 problem that carries
// the id, so a client's report can be matched with the server's log.
package requestlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/lambdahttp"

	"example.com/quartet/packages/problem"
)

// Header is the response header that carries the request id.
const Header = "X-Request-Id"

type idKey struct{}

// ID returns the id of the request whose context is ctx, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

// Middleware wraps next with request ids, request logging and panic
// recovery. The id is API Gateway's request id when the request came
// through it (in AWS, the local gateway and API tests), else a valid
// incoming X-Request-Id, else a new random one.
func Middleware(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		// The request id is also the correlation id of the events the
		// request causes, and of every event those cause in turn.
		r = r.WithContext(event.WithCorrelationID(context.WithValue(r.Context(), idKey{}, id), id))
		w.Header().Set(Header, id)
		rec := &recorder{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic serving request",
					"request_id", id, "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				if !rec.wroteHeader {
					p := problem.New(http.StatusInternalServerError,
						"The server could not complete the request; quote the request id when reporting it.")
					p.Instance, p.RequestID = r.URL.Path, id
					problem.Write(rec, p)
				}
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Int("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)))
		}()
		next.ServeHTTP(rec, r)
	})
}

func requestID(r *http.Request) string {
	if rc, ok := lambdahttp.RequestContext(r.Context()); ok && rc.RequestID != "" {
		return rc.RequestID
	}
	if id := r.Header.Get(Header); validID(id) {
		return id
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validID accepts ids a client may choose: short and printable ASCII, so
// they cannot forge log lines.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		if id[i] < '!' || id[i] > '~' {
			return false
		}
	}
	return true
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int
	wroteHeader bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
