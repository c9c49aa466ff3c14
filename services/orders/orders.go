// Package orders is the public face of the orders context: its HTTP
// contract and the one way to assemble it. The Lambda entry point and the
// local system (infra/local) build the context through New, so they run the
// same code. For local use, package localdynamo serves an in-memory
// DynamoDB to point Config.DynamoDBEndpoint at, and package table defines
// the table for the CDK stack.
//
// The domain itself lives in internal/orders; nothing outside this module
// can import it.
package orders

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"example.com/quartet/packages/budget"
	"example.com/quartet/services/orders/internal/catalogclient"
	"example.com/quartet/services/orders/internal/dynamo"
	"example.com/quartet/services/orders/internal/httpapi"
	domain "example.com/quartet/services/orders/internal/orders"
	"example.com/quartet/services/orders/table"
)

// OpenAPI is the context's HTTP contract, services/orders/openapi.yaml: the
// source of the API Gateway routes in AWS and of the local gateway's routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Config is everything the context needs to run.
type Config struct {
	// DynamoDBEndpoint is a local DynamoDB's URL (minidyn through
	// localdynamo, DynamoDB Local); empty means DynamoDB in AWS.
	DynamoDBEndpoint string
	// Region is the AWS region; empty means the environment's (in AWS) or
	// us-east-1 (with an endpoint).
	Region string
	// TableName is the DynamoDB table; empty means table.DefaultName.
	TableName string
	// CatalogAPIURL is the base URL of the catalog's public API, such as
	// "https://shop.example.com"; orders reads products at
	// {CatalogAPIURL}/v1/products/{id}.
	CatalogAPIURL string
	// RequestBudget bounds the time of one request, its store work
	// included (budget.Handler); zero means budget.Default (2 s).
	RequestBudget time.Duration
}

// ConfigFromEnv reads the configuration from the environment:
// DYNAMODB_ENDPOINT, AWS_REGION, ORDERS_TABLE, CATALOG_API_URL (required)
// and REQUEST_BUDGET (a duration, budget.Default when unset).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		DynamoDBEndpoint: getenv("DYNAMODB_ENDPOINT"),
		Region:           getenv("AWS_REGION"),
		TableName:        getenv("ORDERS_TABLE"),
		CatalogAPIURL:    getenv("CATALOG_API_URL"),
	}
	if cfg.CatalogAPIURL == "" {
		return Config{}, errors.New("CATALOG_API_URL is not set")
	}
	d, err := budget.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.RequestBudget = d
	return cfg, nil
}

// App is an assembled orders context.
type App struct {
	cfg     Config
	handler http.Handler
	migrate func(context.Context) error
}

// New builds the DynamoDB and catalog clients and assembles the context.
// It does not create the table: that is an explicit step (Migrate), and in
// AWS the CDK stack's.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.TableName == "" {
		cfg.TableName = table.DefaultName
	}
	client, err := dynamo.NewClient(ctx, dynamo.ClientConfig{Endpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("orders DynamoDB client: %w", err)
	}
	catalog, err := catalogclient.New(cfg.CatalogAPIURL, nil)
	if err != nil {
		return nil, err
	}
	service := domain.NewService(dynamo.NewStore(client, cfg.TableName), catalog)
	return &App{
		cfg:     cfg,
		handler: budget.Handler(cfg.RequestBudget, httpapi.New(service, logger)),
		migrate: func(ctx context.Context) error { return dynamo.CreateTable(ctx, client, cfg.TableName) },
	}, nil
}

// Handler returns the context's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Migrate creates the table from table.Orders unless it exists. It is for
// local endpoints only: in AWS the CDK stack owns the table, so Migrate
// refuses to run without Config.DynamoDBEndpoint.
func (a *App) Migrate(ctx context.Context) error {
	if a.cfg.DynamoDBEndpoint == "" {
		return errors.New("orders: the table in AWS is created by the CDK stack, not by Migrate")
	}
	return a.migrate(ctx)
}

// Close releases the context's resources. The SDK and HTTP clients hold
// only idle connections, which the process's exit closes, so there is
// nothing to do yet; callers still call it, as for every context.
func (a *App) Close() {}
