// Package lambdahttp runs an http.Handler as an AWS Lambda function behind an
// API Gateway HTTP API (payload format 2.0).
//
// The same conversion serves three runtimes: the Lambda entry point of every
// context (Start), the local API gateway and the API tests (Adapt). So the
// code path exercised locally and in tests is the one that runs in AWS.
package lambdahttp

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Func is a Lambda handler for API Gateway HTTP API events.
type Func func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Adapt converts h into a Lambda handler. The adapter places the event's
// request context in the request's context, where packages such as identity
// and requestlog read it, and it honours the invocation's context (deadline
// and cancellation) through ProxyWithContext.
func Adapt(h http.Handler) Func {
	return httpadapter.NewV2(h).ProxyWithContext
}

// Start serves h as the Lambda function of this process. It blocks for the
// life of the execution environment, so build clients and pools before
// calling it.
func Start(h http.Handler) {
	lambda.Start(Adapt(h))
}
