package gateway

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// The identifiers API Gateway puts in every request context. Locally there
// is no AWS account and no API id, so they are fixed placeholders.
const (
	accountID = "000000000000"
	apiID     = "local"
	stage     = "$default"
)

// timeLayout is the format of requestContext.time, such as
// "12/Mar/2020:19:03:58 +0000".
const timeLayout = "02/Jan/2006:15:04:05 -0700"

var errTooLarge = fmt.Errorf("request body over %d bytes", MaxBodyBytes)

// authorizerContext is what a JWT authorizer adds to the request context.
type authorizerContext = events.APIGatewayV2HTTPRequestContextAuthorizerDescription

// eventInfo is what the gateway knows about a request beyond the request.
type eventInfo struct {
	routeKey   string
	requestID  string
	params     []string           // names of the route's path parameters
	authorizer *authorizerContext // nil on public routes
}

// newEvent converts req into the event API Gateway sends to a Lambda proxy
// integration with payload format 2.0. It reads the body, and returns
// errTooLarge if it exceeds MaxBodyBytes.
func newEvent(w http.ResponseWriter, req *http.Request, info eventInfo) (events.APIGatewayV2HTTPRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBodyBytes))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return events.APIGatewayV2HTTPRequest{}, errTooLarge
	}
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("read body: %w", err)
	}

	now := time.Now().UTC()
	sourceIP := remoteIP(req)
	path := req.URL.EscapedPath()
	event := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              info.routeKey,
		RawPath:               path,
		RawQueryString:        req.URL.RawQuery,
		Cookies:               cookies(req.Header),
		Headers:               headers(req, sourceIP),
		QueryStringParameters: query(req.URL.RawQuery),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     info.routeKey,
			AccountID:    accountID,
			Stage:        stage,
			RequestID:    info.requestID,
			Authorizer:   info.authorizer,
			APIID:        apiID,
			DomainName:   req.Host,
			DomainPrefix: domainPrefix(req.Host),
			Time:         now.Format(timeLayout),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    req.Method,
				Path:      path,
				Protocol:  req.Proto,
				SourceIP:  sourceIP,
				UserAgent: req.UserAgent(),
			},
		},
	}
	for _, name := range info.params {
		if event.PathParameters == nil {
			event.PathParameters = make(map[string]string, len(info.params))
		}
		event.PathParameters[name] = req.PathValue(name)
	}
	if len(body) > 0 {
		if isText(req.Header.Get("Content-Type")) {
			event.Body = string(body)
		} else {
			event.Body = base64.StdEncoding.EncodeToString(body)
			event.IsBase64Encoded = true
		}
	}
	return event, nil
}

// headers returns the request headers as API Gateway passes them: lower-case
// names, repeated values joined with commas, the Host header included and
// Cookie moved to the event's cookies, plus the X-Forwarded-* headers that
// API Gateway adds.
func headers(req *http.Request, sourceIP string) map[string]string {
	h := make(map[string]string, len(req.Header)+4)
	for name, values := range req.Header {
		if strings.EqualFold(name, "Cookie") {
			continue
		}
		h[strings.ToLower(name)] = strings.Join(values, ",")
	}
	h["host"] = req.Host
	if prior := h["x-forwarded-for"]; prior != "" {
		h["x-forwarded-for"] = prior + ", " + sourceIP
	} else {
		h["x-forwarded-for"] = sourceIP
	}
	h["x-forwarded-proto"] = "http"
	if req.TLS != nil {
		h["x-forwarded-proto"] = "https"
	}
	if addr, ok := req.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			h["x-forwarded-port"] = port
		}
	}
	return h
}

// cookies splits the Cookie headers into "name=value" pairs.
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

// isText reports whether API Gateway passes a body of this content type as
// text rather than base64. Form posts and bodies without a content type are
// base64-encoded, as they are in AWS.
func isText(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "+json"), strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/json", "application/xml", "application/javascript", "application/yaml":
		return true
	}
	return false
}

// remoteIP returns the client's IP address without the port.
func remoteIP(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
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

// newRequestID returns a random id in the format of API Gateway's
// apigw-requestid, such as "JGxH9jR8IAMEVfA=".
func newRequestID() string {
	b := make([]byte, 10)
	rand.Read(b) // never returns an error
	return base64.StdEncoding.EncodeToString(b)
}

// writeResponse writes a Lambda proxy response the way API Gateway does and
// returns the status it wrote. A response API Gateway would reject (invalid
// status, undecodable body) becomes a 500, and the error says why.
func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) (int, error) {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			return writeMessage(w, http.StatusInternalServerError, "Internal Server Error"), fmt.Errorf("decode base64 body: %w", err)
		}
		body = decoded
	}
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return writeMessage(w, http.StatusInternalServerError, "Internal Server Error"), fmt.Errorf("invalid status code %d", resp.StatusCode)
	}

	h := w.Header()
	for name, value := range resp.Headers {
		h.Add(name, value)
	}
	for name, values := range resp.MultiValueHeaders {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	if bodyAllowed(resp.StatusCode) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	} else {
		h.Del("Content-Length")
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body) // the client may be gone; nothing to do about it
	return resp.StatusCode, nil
}

// bodyAllowed reports whether a response with this status may have a body
// (RFC 9110, section 6.4.1).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
