// Command lambda is the reviews context's AWS Lambda function (runtime
// provided.al2023, handler binary "bootstrap"). It links the MongoDB driver
// only; FerretDB, the local stand-in, stays out of this binary.
//
// It answers two kinds of invocation: API Gateway HTTP API requests, and
// the scheduled sweep ({"action": "sweep"}, sent by an EventBridge
// Scheduler schedule every few minutes), which applies the summary changes
// that reviews still owe (see the service README, "Summary consistency").
// Every cold start sweeps too, in reviews.New.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"example.com/quartet/packages/lambdahttp"
	"example.com/quartet/services/reviews"
	"example.com/quartet/services/reviews/internal/awssecret"
)

// sweepAction is the "action" of a scheduled sweep invocation.
const sweepAction = "sweep"

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reviews:", err)
		os.Exit(1)
	}
}

// run builds every client once, before the first invocation, and then
// serves invocations for the life of the execution environment.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil)).With("context", "reviews")
	cfg, err := reviews.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if cfg.EventBusName == "" {
		return errors.New("EVENT_BUS_NAME is not set")
	}
	if cfg.MongoURISecret != "" { // region and credentials: the execution role's
		if cfg.ReadSecret, err = awssecret.Reader(awssecret.Options{Getenv: getenv}); err != nil {
			return err
		}
	}
	logger.Info("starting", "config", cfg)
	app, err := reviews.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	lambda.Start(invoke(lambdahttp.Adapt(app.Handler()), app, logger))
	return nil
}

// sweeper is what a scheduled invocation runs: reviews.App.
type sweeper interface {
	Sweep(ctx context.Context) (reviews.SweepResult, error)
}

// invoke returns the function's handler: a scheduled sweep invocation
// sweeps, anything else is an API Gateway request for serve.
func invoke(serve lambdahttp.Func, s sweeper, logger *slog.Logger) func(context.Context, json.RawMessage) (any, error) {
	return func(ctx context.Context, payload json.RawMessage) (any, error) {
		var probe struct {
			Action string `json:"action"`
		}
		if json.Unmarshal(payload, &probe) == nil && probe.Action == sweepAction {
			res, err := s.Sweep(ctx)
			if err != nil {
				logger.ErrorContext(ctx, "scheduled sweep failed", "err", err)
				return nil, err
			}
			logger.InfoContext(ctx, "scheduled sweep", "finished", res.Finished, "counted", res.Counted, "forgotten", res.Forgotten)
			return res, nil
		}
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, fmt.Errorf("decode API Gateway request: %w", err)
		}
		return serve(ctx, req)
	}
}
