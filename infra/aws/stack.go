package quartet

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Catalog database engines, as catalog's CATALOG_DB_ENGINE names them.
const (
	EnginePostgres = "postgres"
	EngineMySQL    = "mysql"
)

// Audience is the "aud" of access tokens, which the JWT authorizer checks.
const Audience = "quartet"

// Props configures one stage's stack.
type Props struct {
	Stage Stage
	// CatalogEngine is EnginePostgres (Aurora PostgreSQL, the default) or
	// EngineMySQL (Aurora MySQL).
	CatalogEngine string
	// BinDir holds each function's bootstrap, <BinDir>/<role>/bootstrap
	// (Roles), as `make build` writes them.
	BinDir string
	// WebDir is the built web app (web/dist). When it has no index.html,
	// the distribution serves a placeholder page.
	WebDir string
	// DeployID changes on every deploy (make deploy passes a timestamp), so
	// that the migrations run on every deploy. Empty in tests and plain
	// synths.
	DeployID string
}

// Function roles: the API function of each context, the two migrations,
// and for each context that consumes and produces events (Consumers) its
// consumer function (<ctx>-events, on its SQS queue) and its outbox relay
// (<ctx>-relay, on a schedule).
const (
	RoleCatalog        = "catalog"
	RoleAccounts       = "accounts"
	RoleOrders         = "orders"
	RoleReviews        = "reviews"
	RoleCatalogMigrate = "catalog-migrate"
	RoleReviewsMigrate = "reviews-migrate"
	RoleCatalogEvents  = "catalog-events"
	RoleCatalogRelay   = "catalog-relay"
	RoleOrdersEvents   = "orders-events"
	RoleOrdersRelay    = "orders-relay"
	RoleReviewsEvents  = "reviews-events"
	RoleReviewsRelay   = "reviews-relay"
)

// Roles lists every function role, in the order the stack creates them.
var Roles = []string{
	RoleCatalog, RoleAccounts, RoleOrders, RoleReviews, RoleCatalogMigrate, RoleReviewsMigrate,
	RoleCatalogEvents, RoleCatalogRelay, RoleOrdersEvents, RoleOrdersRelay, RoleReviewsEvents, RoleReviewsRelay,
}

// EventsRole is the role of the consumer function of context ctx
// ("orders-events"), whose bootstrap is bin/<role>/bootstrap, built from
// services/<ctx>/cmd/events.
func EventsRole(ctx string) string { return ctx + "-events" }

// RelayRole is the role of the outbox relay function of context ctx
// ("orders-relay"), built from services/<ctx>/cmd/relay.
func RelayRole(ctx string) string { return ctx + "-relay" }

func (p Props) check() error {
	if _, err := ParseStage(string(p.Stage)); err != nil {
		return err
	}
	switch p.CatalogEngine {
	case EnginePostgres, EngineMySQL:
	default:
		return fmt.Errorf("catalog engine %q: want %q or %q", p.CatalogEngine, EnginePostgres, EngineMySQL)
	}
	for _, role := range Roles {
		path := filepath.Join(p.BinDir, role, "bootstrap")
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("function %s: %w (run make build first)", role, err)
		}
	}
	return nil
}

// NewStack adds the stage's stack to scope. It returns an error, before
// creating anything, when props are invalid or a bootstrap is missing.
func NewStack(scope constructs.Construct, props Props) (awscdk.Stack, error) {
	if props.CatalogEngine == "" {
		props.CatalogEngine = EnginePostgres
	}
	if err := props.check(); err != nil {
		return nil, err
	}
	s := props.Stage
	stack := awscdk.NewStack(scope, jsii.String(s.StackName()), &awscdk.StackProps{
		StackName:   jsii.String(s.StackName()),
		Description: jsii.String(fmt.Sprintf("Quartet storefront, stage %s", s)),
		// No env: the stack is environment-agnostic, so synth needs no
		// credentials and makes no lookups.
	})
	awscdk.Tags_Of(stack).Add(jsii.String("quartet:stage"), jsii.String(string(s)), nil)

	d := newData(stack, props)
	events := newBus(stack, s, d, ConsumedTypes())
	web := newWebBucket(stack, s)
	fns := newFunctions(stack, props, d, events)
	api := newAPI(stack, s)
	dist := newDistribution(stack, props, web, api)
	// The issuer is the distribution's URL and the distribution's API
	// origin is the API's endpoint, not its routes: so the authorizer,
	// the routes and the accounts function depend on the distribution,
	// which depends only on the API and the bucket. No cycle.
	if err := api.addRoutes(stack, fns, dist.url); err != nil {
		return nil, err
	}
	fns.byRole[RoleAccounts].AddEnvironment(jsii.String("TOKEN_ISSUER"), dist.url, nil)
	newMigrations(stack, props, d, fns)
	newOperations(stack, s, fns, api, events)

	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{
		Value:       dist.url,
		Description: jsii.String("The stage's public URL: web app, /v1 API and token issuer"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiEndpoint"), &awscdk.CfnOutputProps{
		Value:       api.api.ApiEndpoint(),
		Description: jsii.String("The HTTP API's own endpoint (CloudFront forwards /v1/* to it)"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("EventBusName"), &awscdk.CfnOutputProps{
		Value:       events.bus.EventBusName(),
		Description: jsii.String("The stage's EventBridge bus (docs/events.md)"),
	})
	for _, c := range Consumers {
		awscdk.NewCfnOutput(stack, jsii.String(pascal(c)+"DeadLetterQueueUrl"), &awscdk.CfnOutputProps{
			Value:       events.consumers[c].deadLetters.QueueUrl(),
			Description: jsii.String(c + "'s dead letters; make redrive STAGE=" + string(s) + " moves them back to " + s.QueueName(c)),
		})
	}
	suppressDatabase(d, s)
	suppressWeb(web, dist.dist)
	suppressStackWide(stack)
	return stack, nil
}

// removalPolicy is RETAIN for a durable stage and DESTROY otherwise.
func removalPolicy(s Stage) awscdk.RemovalPolicy {
	if s.Durable() {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}
