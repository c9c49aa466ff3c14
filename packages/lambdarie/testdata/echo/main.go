// Command echo is the bootstrap lambdarie's tests run: it answers every API
// Gateway v2 event with its environment and the event's JWT claims, fails
// on /fail and exits on /exit.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

type answer struct {
	Env    map[string]string `json:"env"`
	Claims map[string]string `json:"claims"`
	Path   string            `json:"path"`
}

func handle(_ context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	switch e.RawPath {
	case "/fail":
		return events.APIGatewayV2HTTPResponse{}, errors.New("failed on purpose")
	case "/exit":
		os.Exit(3)
	}
	a := answer{Env: map[string]string{}, Path: e.RawPath}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		a.Env[k] = v
	}
	if e.RequestContext.Authorizer != nil && e.RequestContext.Authorizer.JWT != nil {
		a.Claims = e.RequestContext.Authorizer.JWT.Claims
	}
	body, err := json.Marshal(a)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}, nil
}

func main() { lambda.Start(handle) }
