// Command hello is the floor BenchmarkColdStart measures the contexts'
// bootstraps against: the smallest Go function behind an HTTP API, an
// aws-lambda-go handler that answers every event with a constant, built with
// the same flags as the contexts' bootstraps.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func hello(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       `{"hello":"world"}`,
	}, nil
}

func main() { lambda.Start(hello) }
