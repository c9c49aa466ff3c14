// Package lambdahttp runs an http.Handler as an AWS Lambda function behind an
// API Gateway HTTP API (payload format 2.0).
//
// The same conversion serves three runtimes: the Lambda entry point of every
// context (Start), the local API gateway and the API tests (Adapt). So the
// code path exercised locally and in tests is the one that runs in AWS.
//
// The handler sees the request a net/http server would give it for the
// same HTTP request: the method, the path (decoded, with the escaped form
// in URL.RawPath when they differ), the raw query, Host, RemoteAddr (the
// caller's address, without a port), the headers under their canonical
// names with the values API Gateway passes (repeated headers arrive joined
// with commas, as one value), the cookies as one Cookie header and the body,
// decoded from base64 when the event says so. The event's request context
// is in the request's context: read it with RequestContext.
package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Func is a Lambda handler for API Gateway HTTP API events.
type Func func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Adapt converts h into a Lambda handler. The request's context is the
// invocation's context (its deadline and cancellation hold) with the
// event's request context added, where packages such as identity and
// requestlog read it through RequestContext.
//
// A handler that writes nothing answers 200 with an empty body, as under
// net/http. An event whose path or base64 body cannot be decoded is
// answered 400 without calling h.
func Adapt(h http.Handler) Func {
	return func(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		inv := new(invocation)
		req, err := inv.request(ctx, &event)
		if err != nil {
			return badRequest(err), nil
		}
		h.ServeHTTP(&inv.w, req)
		return inv.w.response(), nil
	}
}

// Start serves h as the Lambda function of this process. It blocks for the
// life of the execution environment, so build clients and pools before
// calling it.
func Start(h http.Handler) {
	lambda.Start(Adapt(h))
}

type requestContextKey struct{}

// RequestContext returns the API Gateway request context of the event
// whose request has context ctx, and false when the request did not come
// through Adapt.
func RequestContext(ctx context.Context) (events.APIGatewayV2HTTPRequestContext, bool) {
	rc, ok := ctx.Value(requestContextKey{}).(*events.APIGatewayV2HTTPRequestContext)
	if !ok {
		return events.APIGatewayV2HTTPRequestContext{}, false
	}
	return *rc, true
}

// invocation holds what one event needs, allocated together: most requests
// then cost a handful of allocations beyond the handler's own.
type invocation struct {
	req  http.Request
	rc   events.APIGatewayV2HTTPRequestContext
	url  url.URL
	body strings.Reader
	w    responseWriter
}

// request builds the handler's request from event.
func (inv *invocation) request(ctx context.Context, event *events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	inv.rc = event.RequestContext
	ctx = context.WithValue(ctx, requestContextKey{}, &inv.rc)

	raw := event.RawPath
	if raw == "" {
		raw = event.RequestContext.HTTP.Path
	}
	if !strings.HasPrefix(raw, "/") {
		raw = "/" + raw
	}
	inv.url.Path = raw
	if strings.IndexByte(raw, '%') >= 0 {
		p, err := url.PathUnescape(raw)
		if err != nil {
			return nil, err
		}
		inv.url.Path, inv.url.RawPath = p, raw
	}
	inv.url.RawQuery = event.RawQueryString
	if inv.url.RawQuery == "" && len(event.QueryStringParameters) > 0 {
		q := make(url.Values, len(event.QueryStringParameters))
		for k, v := range event.QueryStringParameters {
			q[k] = []string{v}
		}
		inv.url.RawQuery = q.Encode()
	}
	requestURI := raw
	if inv.url.RawQuery != "" {
		requestURI += "?" + inv.url.RawQuery
	}

	body := event.Body
	if event.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, err
		}
		body = string(b)
	}

	header, host := requestHeader(event)
	if host == "" {
		host = event.RequestContext.DomainName
	}
	method := event.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodGet
	}

	inv.req = http.Request{
		Method:     strings.ToUpper(method),
		URL:        &inv.url,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Body:       http.NoBody,
		Host:       host,
		RemoteAddr: event.RequestContext.HTTP.SourceIP,
		RequestURI: requestURI,
	}
	if body != "" {
		inv.body.Reset(body)
		inv.req.Body = nopCloser{&inv.body}
		inv.req.ContentLength = int64(len(body))
	}
	return inv.req.WithContext(ctx), nil
}

// requestHeader returns the event's headers under their canonical names,
// without Host, which it returns apart, as net/http does. Cookies go back
// into one Cookie header.
func requestHeader(event *events.APIGatewayV2HTTPRequest) (http.Header, string) {
	n := len(event.Headers)
	if len(event.Cookies) > 0 {
		n++
	}
	header := make(http.Header, n)
	values := make([]string, n) // one backing array for every header's single value
	i, host := 0, ""
	for k, v := range event.Headers {
		name := canonical(k)
		if name == "Host" {
			host = v
			continue
		}
		if old, dup := header[name]; dup { // the same name twice in different cases
			header[name] = append(old, v)
			continue
		}
		values[i] = v
		header[name] = values[i : i+1 : i+1]
		i++
	}
	if len(event.Cookies) > 0 {
		values[i] = strings.Join(event.Cookies, "; ")
		header["Cookie"] = values[i : i+1 : i+1]
	}
	return header, host
}

// canonical returns the canonical form of a header name. API Gateway sends
// names in lower case; those of the headers that browsers, API Gateway and
// this project's clients send are returned as constants rather than built,
// which saves an allocation per header.
func canonical(name string) string {
	switch name {
	case "accept":
		return "Accept"
	case "accept-encoding":
		return "Accept-Encoding"
	case "accept-language":
		return "Accept-Language"
	case "authorization":
		return "Authorization"
	case "cache-control":
		return "Cache-Control"
	case "connection":
		return "Connection"
	case "content-length":
		return "Content-Length"
	case "content-type":
		return "Content-Type"
	case "cookie":
		return "Cookie"
	case "host":
		return "Host"
	case "idempotency-key":
		return "Idempotency-Key"
	case "if-match":
		return "If-Match"
	case "if-none-match":
		return "If-None-Match"
	case "if-modified-since":
		return "If-Modified-Since"
	case "origin":
		return "Origin"
	case "pragma":
		return "Pragma"
	case "referer":
		return "Referer"
	case "sec-ch-ua":
		return "Sec-Ch-Ua"
	case "sec-ch-ua-mobile":
		return "Sec-Ch-Ua-Mobile"
	case "sec-ch-ua-platform":
		return "Sec-Ch-Ua-Platform"
	case "sec-fetch-dest":
		return "Sec-Fetch-Dest"
	case "sec-fetch-mode":
		return "Sec-Fetch-Mode"
	case "sec-fetch-site":
		return "Sec-Fetch-Site"
	case "traceparent":
		return "Traceparent"
	case "user-agent":
		return "User-Agent"
	case "via":
		return "Via"
	case "x-amz-cf-id":
		return "X-Amz-Cf-Id"
	case "x-amzn-trace-id":
		return "X-Amzn-Trace-Id"
	case "x-forwarded-for":
		return "X-Forwarded-For"
	case "x-forwarded-port":
		return "X-Forwarded-Port"
	case "x-forwarded-proto":
		return "X-Forwarded-Proto"
	case "x-request-id":
		return "X-Request-Id"
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

// nopCloser is io.NopCloser without its allocation.
type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// responseWriter collects the handler's response.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header, 4)
	}
	return w.header
}

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.body.Len() == 0 && len(b) > 0 {
		if _, typed := w.Header()["Content-Type"]; !typed { // as net/http does
			w.header.Set("Content-Type", http.DetectContentType(b))
		}
	}
	return w.body.Write(b)
}

// response is the handler's response as API Gateway expects it: headers
// with repeated values joined with commas, Set-Cookie headers as cookies,
// and the body as text when it is valid UTF-8, else in base64.
func (w *responseWriter) response() events.APIGatewayV2HTTPResponse {
	res := events.APIGatewayV2HTTPResponse{StatusCode: w.status}
	if res.StatusCode == 0 {
		res.StatusCode = http.StatusOK
	}
	if len(w.header) > 0 {
		res.Headers = make(map[string]string, len(w.header))
	}
	for k, v := range w.header {
		switch {
		case k == "Set-Cookie":
			res.Cookies = append(res.Cookies, v...)
		case len(v) == 1:
			res.Headers[k] = v[0]
		case len(v) > 1:
			res.Headers[k] = strings.Join(v, ",")
		}
	}
	if b := w.body.Bytes(); utf8.Valid(b) {
		res.Body = string(b)
	} else {
		res.Body, res.IsBase64Encoded = base64.StdEncoding.EncodeToString(b), true
	}
	return res
}

// badRequest is the answer to an event that cannot become a request.
func badRequest(err error) events.APIGatewayV2HTTPResponse {
	detail, _ := json.Marshal("The request cannot be read: " + err.Error() + ".")
	body := `{"type":"about:blank","title":"Bad Request","status":400,"detail":` + string(detail) + `}`
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusBadRequest,
		Headers:    map[string]string{"Content-Type": "application/problem+json"},
		Body:       body,
	}
}
