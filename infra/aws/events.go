package quartet

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
)

// The stage's events (docs/events.md): one EventBridge bus, an archive of
// everything Quartet puts on it, and per consumer a rule that sends the
// types it consumes to its SQS queue, which its <ctx>-events function
// reads; after maxReceives failed receives a message moves to the
// consumer's dead-letter queue, where `make redrive` (cmd/redrive) finds
// it by name (Stage.QueueName, Stage.DeadLetterQueueName).

// SourcePrefix starts the EventBridge source of every Quartet event
// ("quartet.orders"), as packages/eventbus writes it.
const SourcePrefix = "quartet."

const (
	// maxReceives is how often a consumer gets a message before it is a
	// dead letter.
	maxReceives = 5
	// consumerBatchSize is the most messages one invocation of a consumer
	// function handles. eventbus.Consumer handles them one after the
	// other, each within eventbus.DefaultTimeout (5 s), so 10 take at most
	// 50 s: consumerTimeout leaves a margin above that.
	consumerBatchSize = 10
	consumerTimeout   = 60 // seconds
	// visibilityFactor: AWS recommends a queue's visibility timeout of at
	// least six times the timeout of the function it feeds, so that a
	// message is not received again while a throttled or retried
	// invocation may still be handling it.
	visibilityFactor = 6
	// relayTimeout bounds one sweep of a producer's outbox (relayMinutes).
	relayTimeout = 30 // seconds
)

// relayMinutes is how often a producer's relay sweeps its outbox: every
// minute, except catalog's on a disposable stage. There a sweep every
// minute would keep Aurora from ever pausing (it pauses after 5 idle
// minutes; every sweep is a query) and cost the stage about $44 a month at
// the 0.5 ACU floor; hourly, a paused database wakes 24 times a day for a
// few minutes (about $4 a month). The sweep only takes what a crash or a
// failed publish left behind, which a disposable stage can wait an hour
// for (or invoke the relay by hand: docs/deploy.md).
func relayMinutes(s Stage, ctx string) float64 {
	if ctx == RoleCatalog && !s.Durable() {
		return 60
	}
	return 1
}

// Consumers are the contexts that consume events, in the order the stack
// creates their queues. accounts consumes none.
var Consumers = []string{RoleCatalog, RoleOrders, RoleReviews}

// archiveDays is how long the bus's archive keeps events for replay.
func archiveDays(s Stage) float64 {
	if s.Durable() {
		return 30
	}
	return 3
}

// consumerConcurrency bounds how many execution environments of a
// consumer function its queue may run at once (the event source's
// maximum concurrency; 2 is the least SQS allows). catalog's share of its
// database's connection budget (data.go): 5 / 50 environments with a pool
// of 2 add 10 / 100 connections to the API function's 40 / 400, still
// inside the proxy's ~225 / ~900. reviews' bound keeps the Atlas
// connection count near the API's; orders (DynamoDB) has no connection
// budget and gets twice as many.
func consumerConcurrency(s Stage, consumer string) float64 {
	n := 5.0
	if consumer == RoleOrders {
		n = 10
	}
	if s.Durable() {
		n *= 10
	}
	return n
}

// bus is the stage's event bus and the consumers' queues.
type bus struct {
	bus       awsevents.EventBus
	consumers map[string]*consumerQueues
}

type consumerQueues struct {
	queue, deadLetters awssqs.Queue
	rule               awsevents.Rule
	types              []string
}

// newBus creates the bus, its archive, and per consumer the queue, its
// dead-letter queue and the rule; and the EventBridge interface endpoint
// through which catalog's functions, in the isolated VPC, reach the bus.
func newBus(stack awscdk.Stack, s Stage, d *data, consumes map[string][]string) *bus {
	b := &bus{consumers: map[string]*consumerQueues{}}
	b.bus = awsevents.NewEventBus(stack, jsii.String("Bus"), &awsevents.EventBusProps{
		EventBusName: jsii.String(s.StackName()),
		Description:  jsii.String("domain events of the contexts of " + s.StackName() + " (docs/events.md)"),
	})
	b.bus.Archive(jsii.String("Archive"), &awsevents.BaseArchiveProps{
		ArchiveName:  jsii.String(s.StackName()),
		Description:  jsii.String("every Quartet event of " + s.StackName() + ", for replay"),
		EventPattern: &awsevents.EventPattern{Source: awsevents.Match_Prefix(jsii.String(SourcePrefix))},
		Retention:    awscdk.Duration_Days(jsii.Number(archiveDays(s))),
	})
	for _, c := range Consumers {
		b.consumers[c] = b.newConsumer(stack, s, c, consumes[c])
	}
	b.newEndpoint(stack, s, d)
	return b
}

func (b *bus) newConsumer(stack awscdk.Stack, s Stage, consumer string, types []string) *consumerQueues {
	id := pascal(consumer)
	policy := removalPolicy(s)
	// The dead letters: of the queue after maxReceives, and of the rule
	// when EventBridge cannot deliver to the queue at all. Both carry the
	// EventBridge event as the queue would have, so one redrive to the
	// queue handles both.
	dlq := awssqs.NewQueue(stack, jsii.String(id+"DeadLetterQueue"), &awssqs.QueueProps{
		QueueName:       jsii.String(s.DeadLetterQueueName(consumer)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)), // the most SQS keeps
		RemovalPolicy:   policy,
	})
	queue := awssqs.NewQueue(stack, jsii.String(id+"Queue"), &awssqs.QueueProps{
		QueueName:         jsii.String(s.QueueName(consumer)),
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(visibilityFactor * consumerTimeout)),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(4)),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(maxReceives)},
		RemovalPolicy:     policy,
	})
	detailTypes := make([]*string, len(types))
	for i, t := range types {
		detailTypes[i] = jsii.String(t)
	}
	rule := awsevents.NewRule(stack, jsii.String(id+"Consumes"), &awsevents.RuleProps{
		RuleName:    jsii.String(s.Name(consumer + "-consumes")),
		Description: jsii.String("the events " + consumer + " consumes (services/" + consumer + "/events/consumes.json), to its queue"),
		EventBus:    b.bus,
		EventPattern: &awsevents.EventPattern{
			Source:     awsevents.Match_Prefix(jsii.String(SourcePrefix)),
			DetailType: &detailTypes,
		},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewSqsQueue(queue, &awseventstargets.SqsQueueProps{
			DeadLetterQueue: dlq,
			RetryAttempts:   jsii.Number(185), // EventBridge's default: retries for 24 hours
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(24)),
		})},
	})
	return &consumerQueues{queue: queue, deadLetters: dlq, rule: rule, types: types}
}

// newEndpoint gives the isolated VPC an EventBridge interface endpoint,
// reachable on 443 from catalog's functions only and allowing nothing but
// PutEvents on the stage's bus. A disposable stage puts it in one subnet
// (the other subnet reaches it across the VPC), a durable one in both.
func (b *bus) newEndpoint(stack awscdk.Stack, s Stage, d *data) {
	sg := awsec2.NewSecurityGroup(stack, jsii.String("EventBridgeEndpoint"), &awsec2.SecurityGroupProps{
		Vpc: d.vpc, Description: jsii.String("EventBridge interface endpoint: from catalog functions"), AllowAllOutbound: jsii.Bool(false),
	})
	https := awsec2.Port_Tcp(jsii.Number(443))
	sg.AddIngressRule(d.catalogSG, https, jsii.String("from catalog functions"), nil)
	d.catalogSG.AddEgressRule(sg, https, jsii.String("to the EventBridge endpoint"), nil)
	subnets := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	if !s.Durable() {
		subnets = &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{(*d.vpc.IsolatedSubnets())[0]}}
	}
	ep := d.vpc.AddInterfaceEndpoint(jsii.String("EventBridge"), &awsec2.InterfaceVpcEndpointOptions{
		Service:           awsec2.InterfaceVpcEndpointAwsService_EVENTBRIDGE(),
		Subnets:           subnets,
		SecurityGroups:    &[]awsec2.ISecurityGroup{sg},
		PrivateDnsEnabled: jsii.Bool(true),
		Open:              jsii.Bool(false),
	})
	ep.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    &[]*string{jsii.String("events:PutEvents")},
		Resources:  &[]*string{b.bus.EventBusArn()},
	}))
}

// grantPutEvents tells fn the bus's name (EVENT_BUS_NAME) and lets it put
// events on that bus, and on no other.
func (b *bus) grantPutEvents(fn awslambda.Function) {
	fn.AddEnvironment(jsii.String("EVENT_BUS_NAME"), b.bus.EventBusName(), nil)
	b.bus.GrantPutEventsTo(fn, nil)
}
