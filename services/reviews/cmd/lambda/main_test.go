package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/services/reviews"
)

func TestRunNeedsConfiguration(t *testing.T) {
	err := run(context.Background(), func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "MONGODB_URI") {
		t.Fatalf("run without MONGODB_URI: err = %v, want it named", err)
	}
	env := map[string]string{"MONGODB_URI": "mongodb://127.0.0.1:1/"}
	err = run(context.Background(), func(k string) string { return env[k] }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "EVENT_BUS_NAME") {
		t.Fatalf("run without EVENT_BUS_NAME: err = %v, want it named", err)
	}
}

// TestDoesNotLinkFerretDB keeps the local stand-in out of the Lambda
// binary: FerretDB and SQLite would add tens of megabytes.
func TestDoesNotLinkFerretDB(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gocmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for dep := range strings.Lines(string(out)) {
		if d := strings.ToLower(dep); strings.Contains(d, "ferretdb") || strings.Contains(d, "sqlite") {
			t.Errorf("the Lambda function depends on %s", strings.TrimSpace(dep))
		}
	}
}

type fakeSweeper struct{ calls int }

func (f *fakeSweeper) Sweep(context.Context) (reviews.SweepResult, error) {
	f.calls++
	return reviews.SweepResult{Finished: 2}, nil
}

// TestInvokeDispatches sends the function a scheduled sweep and an API
// Gateway request: the first sweeps, the second reaches the handler.
func TestInvokeDispatches(t *testing.T) {
	var served []string
	serve := func(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		served = append(served, req.RawPath)
		return events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil
	}
	s := &fakeSweeper{}
	h := invoke(serve, s, slog.New(slog.DiscardHandler))

	res, err := h(t.Context(), json.RawMessage(`{"action":"sweep"}`))
	if err != nil || s.calls != 1 || res.(reviews.SweepResult).Finished != 2 || len(served) != 0 {
		t.Errorf("sweep invocation: %v, %v; %d sweeps and %d requests, want one sweep", res, err, s.calls, len(served))
	}
	res, err = h(t.Context(), json.RawMessage(`{"version":"2.0","routeKey":"GET /v1/products/{id}/rating","rawPath":"/v1/products/p/rating",
		"requestContext":{"http":{"method":"GET","path":"/v1/products/p/rating"}}}`))
	if err != nil || s.calls != 1 || len(served) != 1 || served[0] != "/v1/products/p/rating" {
		t.Errorf("HTTP invocation: %v, %v; %d sweeps and requests %v, want the request served", res, err, s.calls, served)
	}
	if _, err := h(t.Context(), json.RawMessage(`[1,2]`)); err == nil {
		t.Error("an invocation that is neither a sweep nor a request succeeded")
	}
}
