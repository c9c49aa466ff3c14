package lambdahttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/lambdahttp"
)

// BenchmarkAdapt measures what the Lambda adaptation itself costs: a
// trivial handler served bare (a prepared request, a recorder) against the
// same handler behind Adapt, fed an already decoded browser event and
// returning the response event. The JSON the runtime decodes and encodes
// around every invocation is left out: any adapter pays it. The summary of
// make bench subtracts bare from adapted. Like benchratio, whose module
// this one does not depend on, it runs the two cases in interleaved
// rounds (bare, adapted, bare#01, adapted#01, …), so that load on the
// machine skews a round rather than a case.
func BenchmarkAdapt(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Etag", `"3"`)
		_, _ = io.WriteString(w, `{"id":"p1","name":"Enamel mug"}`)
	})
	ctx := context.Background()
	for range rounds {
		bareAndAdapted(b, ctx, h)
	}
}

// rounds is how many times BenchmarkAdapt measures each case.
const rounds = 5

func bareAndAdapted(b *testing.B, ctx context.Context, h http.Handler) {
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1/products/p1", nil)
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
	b.Run("adapted", func(b *testing.B) {
		b.ReportAllocs()
		invoke := lambdahttp.Adapt(h)
		event := browserEvent()
		for b.Loop() {
			res, err := invoke(ctx, event)
			if err != nil || res.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v", res.StatusCode, err)
			}
		}
	})
}

func browserEvent() events.APIGatewayV2HTTPRequest {
	const host = "abc123.execute-api.eu-west-1.amazonaws.com"
	path := "/v1/products/p1"
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "GET /v1/products/{id}", RawPath: path,
		Headers: map[string]string{
			"accept": "application/json", "accept-encoding": "gzip, deflate, br", "accept-language": "en-GB,en;q=0.9",
			"host": host, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
			"x-amzn-trace-id": "Root=1-6650f0c1-0a1b2c3d4e5f60718293a4b5", "x-forwarded-for": "198.51.100.7",
			"x-forwarded-port": "443", "x-forwarded-proto": "https",
		},
		PathParameters: map[string]string{"id": "p1"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "GET /v1/products/{id}", AccountID: "123456789012", Stage: "$default", RequestID: "JKJaXmPLvHcESHA=",
			APIID: "abc123", DomainName: host, DomainPrefix: "abc123", Time: "12/Mar/2026:19:03:58 +0000", TimeEpoch: 1773342238000,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "198.51.100.7", UserAgent: "Mozilla/5.0"},
		},
	}
}
