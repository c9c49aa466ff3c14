package quartet

import (
	"maps"
	"path/filepath"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

// RoleMetadata is the template metadata key that names a function's role
// (RoleCatalog, …) on its AWS::Lambda::Function resource; FunctionEnvironments
// finds the functions by it.
const RoleMetadata = "quartet:role"

// functionSpec is how one function is sized. Memory buys CPU on Lambda
// (1769 MB is one vCPU): accounts hashes passwords with Argon2id, so it
// gets the most; the others mostly wait on their store. The timeout is
// well above the ~2 s store budget of a request and under API Gateway's
// 30 s integration limit; migrations get minutes.
type functionSpec struct {
	memory  float64 // MB
	timeout float64 // seconds (a number, not an awscdk.Duration: this table is built without starting jsii)
	inVPC   bool
	desc    string
}

// requestBudget is REQUEST_BUDGET, well under the functions' 10 s timeout.
const requestBudget = "2s"

// claimLease is ORDERS_CLAIM_LEASE: the orders function's timeout, so a key
// whose placement died is free again once that placement can no longer run.
const claimLease = "10s"

// reviewsSweepMinutes is how often the reviews sweep runs on schedule.
const reviewsSweepMinutes = 5

var functionSpecs = map[string]functionSpec{
	RoleCatalog:        {memory: 512, timeout: 10, inVPC: true, desc: "catalog context API"},
	RoleAccounts:       {memory: 1024, timeout: 10, desc: "accounts context API and token issuer"},
	RoleOrders:         {memory: 512, timeout: 10, desc: "orders context API"},
	RoleReviews:        {memory: 512, timeout: 10, desc: "reviews context API"},
	RoleCatalogMigrate: {memory: 256, timeout: 5 * 60, inVPC: true, desc: "catalog schema migrations, run on every deploy"},
	RoleReviewsMigrate: {memory: 256, timeout: 2 * 60, desc: "reviews indexes, run on every deploy"},
	RoleCatalogEvents:  {memory: 512, timeout: consumerTimeout, inVPC: true, desc: "catalog's consumer of events, on its SQS queue"},
	RoleCatalogRelay:   {memory: 256, timeout: relayTimeout, inVPC: true, desc: "catalog's outbox sweep, on a schedule"},
	RoleOrdersEvents:   {memory: 512, timeout: consumerTimeout, desc: "orders' consumer of events, on its SQS queue"},
	RoleOrdersRelay:    {memory: 256, timeout: relayTimeout, desc: "orders' outbox sweep, on a schedule"},
	RoleReviewsEvents:  {memory: 512, timeout: consumerTimeout, desc: "reviews' consumer of events, on its SQS queue"},
	RoleReviewsRelay:   {memory: 256, timeout: relayTimeout, desc: "reviews' outbox sweep, on a schedule"},
}

// functions is the stage's Lambda functions by role.
type functions struct {
	byRole map[string]awslambda.Function
	logs   map[string]awslogs.LogGroup
}

func newFunctions(stack awscdk.Stack, props Props, d *data, b *bus) *functions {
	fns := &functions{byRole: map[string]awslambda.Function{}, logs: map[string]awslogs.LogGroup{}}
	for _, role := range Roles {
		fns.add(stack, props, d, role)
		// Every context's ConfigFromEnv reads it: the time one request may
		// take, store work included (packages/budget), set here so that the
		// template names every variable the functions read.
		fns.byRole[role].AddEnvironment(jsii.String("REQUEST_BUDGET"), jsii.String(requestBudget), nil)
	}

	catalogEnv := map[string]*string{
		"CATALOG_DB_ENGINE": jsii.String(props.CatalogEngine),
		"DATABASE_URL":      d.catalogDatabaseURL(),
		"DATABASE_IAM_AUTH": jsii.String("true"),
	}
	// A context's consumer and relay functions reach its store as its API
	// function does, with the same configuration (one ConfigFromEnv).
	for _, role := range []string{RoleCatalog, RoleCatalogMigrate, RoleCatalogEvents, RoleCatalogRelay} {
		fn := fns.byRole[role]
		for _, k := range slices.Sorted(maps.Keys(catalogEnv)) { // a stable template
			fn.AddEnvironment(jsii.String(k), catalogEnv[k], nil)
		}
		d.proxy.GrantConnect(fn, jsii.String(d.dbUser))
	}

	accounts := fns.byRole[RoleAccounts]
	accounts.AddEnvironment(jsii.String("DATABASE_URL_SECRET"), d.accountsDB.SecretName(), nil)
	accounts.AddEnvironment(jsii.String("SIGNING_KEYS_SECRET"), d.signing.SecretName(), nil)
	accounts.AddEnvironment(jsii.String("TOKEN_AUDIENCE"), jsii.String(Audience), nil)
	d.accountsDB.GrantRead(accounts, nil)
	d.signing.GrantRead(accounts, nil)

	for _, role := range []string{RoleOrders, RoleOrdersEvents, RoleOrdersRelay} {
		orders := fns.byRole[role]
		orders.AddEnvironment(jsii.String("ORDERS_TABLE"), d.table.TableName(), nil)
		// An idempotency claim whose placement died is taken over after
		// its lease: as long as the API function may run, and no longer.
		orders.AddEnvironment(jsii.String("ORDERS_CLAIM_LEASE"), jsii.String(claimLease), nil)
		d.table.GrantReadWriteData(orders)
	}

	for _, role := range []string{RoleReviews, RoleReviewsMigrate, RoleReviewsEvents, RoleReviewsRelay} {
		fn := fns.byRole[role]
		fn.AddEnvironment(jsii.String("MONGODB_URI_SECRET"), d.mongoURI.SecretName(), nil)
		fn.AddEnvironment(jsii.String("MONGODB_DATABASE"), jsii.String("reviews"), nil)
		d.mongoURI.GrantRead(fn, nil)
	}

	// The sweep that finishes the rating-summary changes a crash or a
	// timeout left owed (services/reviews): the function runs it at every
	// cold start, and this schedule runs it on warm stages too.
	awsevents.NewRule(stack, jsii.String("ReviewsSweep"), &awsevents.RuleProps{
		RuleName:    jsii.String(props.Stage.Name("reviews-sweep")),
		Description: jsii.String("finishes owed rating-summary changes of " + props.Stage.Name(RoleReviews)),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(reviewsSweepMinutes))),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fns.byRole[RoleReviews], &awseventstargets.LambdaFunctionProps{
			Event:         awsevents.RuleTargetInput_FromObject(map[string]any{"action": "sweep"}),
			RetryAttempts: jsii.Number(0), // the next run is minutes away and does the same work
		})},
	})

	fns.addEvents(stack, props.Stage, b)
	return fns
}

// addEvents wires each context to the bus: its API, consumer and relay
// functions publish (consumers produce too: catalog answers OrderPlaced
// with StockReserved), the consumer function reads its queue in batches
// with partial batch responses, and the relay sweeps the outbox on a
// schedule (relayMinutes). The migrations write outbox rows (catalog's backfill) but never
// publish: the relay does.
func (fns *functions) addEvents(stack awscdk.Stack, s Stage, b *bus) {
	for _, ctx := range Consumers {
		for _, role := range []string{ctx, EventsRole(ctx), RelayRole(ctx)} {
			b.grantPutEvents(fns.byRole[role])
		}
		fns.byRole[EventsRole(ctx)].AddEventSource(awslambdaeventsources.NewSqsEventSource(b.consumers[ctx].queue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(consumerBatchSize),
			ReportBatchItemFailures: jsii.Bool(true),
			MaxConcurrency:          jsii.Number(consumerConcurrency(s, ctx)),
		}))
		awsevents.NewRule(stack, jsii.String(pascal(RelayRole(ctx))+"Schedule"), &awsevents.RuleProps{
			RuleName:    jsii.String(s.Name(RelayRole(ctx))),
			Description: jsii.String("publishes what the outbox of " + ctx + " still holds: " + s.Name(RelayRole(ctx))),
			Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(relayMinutes(s, ctx)))),
			Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fns.byRole[RelayRole(ctx)], &awseventstargets.LambdaFunctionProps{
				RetryAttempts: jsii.Number(0), // the next sweep does the same work
			})},
		})
	}
}

// add creates the function of role with its own log group and an
// execution role that may write to that log group and nothing else yet.
func (fns *functions) add(stack awscdk.Stack, props Props, d *data, role string) {
	s := props.Stage
	spec := functionSpecs[role]
	id := pascal(role)
	logGroup := awslogs.NewLogGroup(stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/lambda/" + s.Name(role)),
		Retention:     logRetention(s),
		RemovalPolicy: removalPolicy(s),
	})
	execRole := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("execution role of " + s.Name(role)),
	})
	execRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   &[]*string{jsii.String("logs:CreateLogStream"), jsii.String("logs:PutLogEvents")},
		Resources: &[]*string{logGroup.LogGroupArn()},
	}))
	fp := &awslambda.FunctionProps{
		FunctionName:  jsii.String(s.Name(role)),
		Description:   jsii.String(spec.desc),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(props.BinDir, role)), nil),
		MemorySize:    jsii.Number(spec.memory),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(spec.timeout)),
		Tracing:       awslambda.Tracing_ACTIVE,
		LogGroup:      logGroup,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Role:          execRole,
	}
	if role == RoleCatalog { // the database's connection budget (data.go)
		fp.ReservedConcurrentExecutions = jsii.Number(d.dbSizing.catalogConcurrency)
	}
	if spec.inVPC {
		fp.Vpc = d.vpc
		fp.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
		fp.SecurityGroups = &[]awsec2.ISecurityGroup{d.catalogSG}
		// Lambda's own elastic network interfaces in the VPC. These EC2
		// actions take no resource-level permissions (the Describe ones) or
		// name interfaces that do not exist yet: AWS's managed
		// AWSLambdaVPCAccessExecutionRole grants the same on "*".
		execRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: &[]*string{
				jsii.String("ec2:CreateNetworkInterface"), jsii.String("ec2:DescribeNetworkInterfaces"),
				jsii.String("ec2:DescribeSubnets"), jsii.String("ec2:DeleteNetworkInterface"),
				jsii.String("ec2:AssignPrivateIpAddresses"), jsii.String("ec2:UnassignPrivateIpAddresses"),
			},
			Resources: &[]*string{jsii.String("*")},
		}))
	}
	fn := awslambda.NewFunction(stack, jsii.String(id), fp)
	fn.Node().DefaultChild().(awslambda.CfnFunction).AddMetadata(jsii.String(RoleMetadata), role)
	suppressFunctionRole(execRole, spec.inVPC)
	fns.byRole[role] = fn
	fns.logs[role] = logGroup
}

// pascal turns "catalog-migrate" into "CatalogMigrate", for construct ids.
func pascal(s string) string {
	out := make([]byte, 0, len(s))
	up := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			up = true
			continue
		case up && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	return string(out)
}
