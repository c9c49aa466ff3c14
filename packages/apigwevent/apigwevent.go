// Package apigwevent converts between HTTP and the events of an Amazon API
// Gateway HTTP API with Lambda proxy integrations (payload format 2.0).
//
// Request turns an *http.Request into the events.APIGatewayV2HTTPRequest
// that API Gateway sends to the Lambda function, and WriteResponse turns the
// function's events.APIGatewayV2HTTPResponse into the HTTP response that API
// Gateway sends to the client. The local gateway (infra/local) and the API
// tests (packages/apitest) both use them, so both send the event API Gateway
// sends, by the same rules.
package apigwevent

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// TimeLayout is the format of requestContext.time, such as
// "12/Mar/2020:19:03:58 +0000".
const TimeLayout = "02/Jan/2006:15:04:05 -0700"

// DefaultStage is the stage an HTTP API deploys to automatically.
const DefaultStage = "$default"

// RequestContext is what API Gateway knows about a request beyond the
// request itself. The zero value is valid.
type RequestContext struct {
	// RequestID is requestContext.requestId; "" generates one with
	// NewRequestID.
	RequestID string
	// Time is when API Gateway received the request; the zero time means
	// now.
	Time time.Time
	// AccountID and APIID identify the AWS account and the API.
	AccountID string
	APIID     string
	// Stage is the API's stage; "" means DefaultStage.
	Stage string
	// Claims are the token's claims as a JWT authorizer passes them, every
	// value a string ("[a b]" for lists). Nil means the route has no
	// authorizer: the event then has no authorizer block.
	Claims map[string]string
	// Scopes are the token's scopes. They are ignored when Claims is nil.
	Scopes []string
}

// Request converts r into the event API Gateway sends for the route with key
// routeKey (such as "GET /v1/products/{id}") and the given values of its path
// parameters. It reads r.Body; the error is the one reading it returned, so
// a body over an http.MaxBytesReader limit gives an *http.MaxBytesError.
//
// The event holds, as API Gateway sends them:
//   - the escaped path and the raw query string, and the query parameters
//     decoded, repeated values joined with "," and malformed pairs dropped;
//   - the headers with lower-case names and repeated values joined with ",",
//     the Host header as host, Cookie split into the event's cookies, a
//     content-length for a non-empty body, and the x-forwarded-for,
//     x-forwarded-proto and x-forwarded-port headers that API Gateway adds;
//   - the body as text if IsText reports so for its content type and it is
//     valid UTF-8, otherwise base64-encoded: the Lambda runtime hands the
//     event over as JSON, whose strings cannot carry other bytes (Go would
//     turn each into U+FFFD, and the handler could not refuse them);
//   - the request context, with the source IP taken from r.RemoteAddr, the
//     domain name and prefix from r.Host, and a JWT authorizer block if
//     rc.Claims is not nil.
func Request(r *http.Request, routeKey string, pathParams map[string]string, rc RequestContext) (events.APIGatewayV2HTTPRequest, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("apigwevent: read body: %w", err)
		}
	}

	if rc.RequestID == "" {
		rc.RequestID = NewRequestID()
	}
	if rc.Time.IsZero() {
		rc.Time = time.Now()
	}
	if rc.Stage == "" {
		rc.Stage = DefaultStage
	}
	at := rc.Time.UTC()
	sourceIP := remoteIP(r)
	path := r.URL.EscapedPath()

	event := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               path,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies(r.Header),
		Headers:               headers(r, sourceIP, len(body)),
		QueryStringParameters: query(r.URL.RawQuery),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    rc.AccountID,
			Stage:        rc.Stage,
			RequestID:    rc.RequestID,
			APIID:        rc.APIID,
			DomainName:   r.Host,
			DomainPrefix: domainPrefix(r.Host),
			Time:         at.Format(TimeLayout),
			TimeEpoch:    at.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(pathParams) > 0 {
		event.PathParameters = maps.Clone(pathParams)
	}
	if rc.Claims != nil {
		event.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: maps.Clone(rc.Claims),
				Scopes: slices.Clone(rc.Scopes),
			},
		}
	}
	if len(body) > 0 {
		if IsText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			event.Body = string(body)
		} else {
			event.Body = base64.StdEncoding.EncodeToString(body)
			event.IsBase64Encoded = true
		}
	}
	return event, nil
}

// IsText reports whether API Gateway passes a request body of this content
// type as text rather than base64. AWS does not document the list; the rule
// here is that text/*, application/json, application/xml and
// application/javascript bodies pass as text (media type parameters such
// as charset do not matter) and all others are base64-encoded, including
// structured-syntax types such as application/problem+json, form posts
// (application/x-www-form-urlencoded) and bodies without a content type.
// Handlers see the same bytes either way: the Lambda adapter decodes the
// body. Erring towards base64 is the safe side of the unknown.
func IsText(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if strings.HasPrefix(mediaType, "text/") {
		return true
	}
	switch mediaType {
	case "application/json", "application/xml", "application/javascript":
		return true
	}
	return false
}

// NewRequestID returns a random request id in the format of API Gateway's,
// such as "JGxH9jR8IAMEVfA=".
func NewRequestID() string {
	b := make([]byte, 10)
	rand.Read(b) // never returns an error
	return base64.StdEncoding.EncodeToString(b)
}

// headers returns the request headers as API Gateway passes them: lower-case
// names, repeated values joined with commas, the Host header included and
// Cookie left out (it becomes the event's cookies), plus content-length and
// the X-Forwarded-* headers that API Gateway adds.
func headers(r *http.Request, sourceIP string, bodyLen int) map[string]string {
	h := make(map[string]string, len(r.Header)+5)
	for name, values := range r.Header {
		if strings.EqualFold(name, "Cookie") {
			continue
		}
		h[strings.ToLower(name)] = strings.Join(values, ",")
	}
	h["host"] = r.Host
	if bodyLen > 0 {
		h["content-length"] = strconv.Itoa(bodyLen)
	}
	if prior := h["x-forwarded-for"]; prior != "" {
		h["x-forwarded-for"] = prior + ", " + sourceIP
	} else {
		h["x-forwarded-for"] = sourceIP
	}
	h["x-forwarded-proto"] = "http"
	if r.TLS != nil {
		h["x-forwarded-proto"] = "https"
	}
	h["x-forwarded-port"] = localPort(r)
	return h
}

// localPort returns the port the request arrived on: the server's listening
// port if r came through an http.Server, else the port of r.Host, else the
// default port of the scheme.
func localPort(r *http.Request) string {
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			return port
		}
	}
	if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" {
		return port
	}
	if r.TLS != nil {
		return "443"
	}
	return "80"
}

// cookies splits the Cookie headers into "name=value" pairs, or returns nil
// if there are none.
func cookies(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Cookie") {
		for pair := range strings.SplitSeq(line, ";") {
			if pair = strings.TrimSpace(pair); pair != "" {
				out = append(out, pair)
			}
		}
	}
	return out
}

// query returns the decoded query parameters, repeated values joined with
// commas, or nil if there are none. Like API Gateway it keeps what it can
// parse of a malformed query string.
func query(raw string) map[string]string {
	values, _ := url.ParseQuery(raw)
	if len(values) == 0 {
		return nil
	}
	q := make(map[string]string, len(values))
	for name, vs := range values {
		q[name] = strings.Join(vs, ",")
	}
	return q
}

// remoteIP returns the client's IP address without the port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// domainPrefix returns the first label of host, as API Gateway does:
// "abc123.execute-api.eu-west-1.amazonaws.com" -> "abc123".
func domainPrefix(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	prefix, _, _ := strings.Cut(host, ".")
	return prefix
}

// WriteResponse writes res, a Lambda proxy response, to w the way API
// Gateway sends it to the client: the status; the headers, then each value
// of multiValueHeaders, added in that order; each of the cookies as a
// Set-Cookie header; and the body, decoded first if it is base64-encoded,
// with its Content-Length (none for a status that has no body).
//
// It returns an error, without writing anything, for a response API Gateway
// would reject: a status outside 100-599 or a body that is not valid
// base64. The caller then answers as API Gateway does, with a 500.
func WriteResponse(w http.ResponseWriter, res events.APIGatewayV2HTTPResponse) error {
	if res.StatusCode < 100 || res.StatusCode > 599 {
		return fmt.Errorf("apigwevent: invalid status code %d", res.StatusCode)
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(res.Body)
		if err != nil {
			return fmt.Errorf("apigwevent: decode base64 body: %w", err)
		}
		body = decoded
	}

	h := w.Header()
	for name, value := range res.Headers {
		h.Add(name, value)
	}
	for name, values := range res.MultiValueHeaders {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	for _, c := range res.Cookies {
		h.Add("Set-Cookie", c)
	}
	if bodyAllowed(res.StatusCode) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	} else {
		h.Del("Content-Length")
		body = nil
	}
	w.WriteHeader(res.StatusCode)
	w.Write(body) // the client may be gone; nothing to do about it
	return nil
}

// bodyAllowed reports whether a response with this status may have a body
// (RFC 9110, section 6.4.1).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
