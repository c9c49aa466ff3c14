package quartet

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"
)

// p99 duration alarm thresholds, as a share of each function's timeout is
// too late: a request that takes longer than this is already failing its
// user. Migrations run once per deploy and have no duration alarm.
var p99Threshold = map[string]float64{ // milliseconds
	RoleCatalog: 1500, RoleAccounts: 2500, RoleOrders: 2000, RoleReviews: 1500,
}

// newOperations creates, per function, alarms on errors, throttles and p99
// duration (API functions), an alarm on the API's 5xx answers, per
// consumer an alarm on its dead-letter queue (a message in it is an event
// that was not handled), and one dashboard for the stage. The alarms have no actions: docs/deploy.md says
// how to route them (an SNS topic to e-mail or chat) per account.
func newOperations(stack awscdk.Stack, s Stage, fns *functions, api *httpAPI, b *bus) {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	var rows []awscloudwatch.IWidget
	for _, role := range Roles {
		fn := fns.byRole[role]
		id := pascal(role)
		errs := fn.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")})
		throttles := fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")})
		p99 := fn.MetricDuration(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")})
		alarm(stack, id+"Errors", s.Name(role)+" errors", errs, 1, 1)
		alarm(stack, id+"Throttles", s.Name(role)+" throttles", throttles, 1, 1)
		if limit, ok := p99Threshold[role]; ok {
			alarm(stack, id+"P99Duration", s.Name(role)+" p99 duration over "+ms(limit), p99, limit, 3)
		}
		rows = append(rows, awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(role), Width: jsii.Number(8),
			Left:  &[]awscloudwatch.IMetric{fn.MetricInvocations(&awscloudwatch.MetricOptions{Period: five}), errs, throttles},
			Right: &[]awscloudwatch.IMetric{p99},
		}))
	}
	server := api.api.MetricServerError(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")})
	alarm(stack, "Api5xx", s.Name("api")+" 5xx answers", server, 5, 1)
	rows = append(rows, awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("HTTP API"), Width: jsii.Number(8),
		Left: &[]awscloudwatch.IMetric{
			api.api.MetricCount(&awscloudwatch.MetricOptions{Period: five}),
			api.api.MetricClientError(&awscloudwatch.MetricOptions{Period: five}),
			server,
		},
		Right: &[]awscloudwatch.IMetric{api.api.MetricLatency(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")})},
	}))
	for _, c := range Consumers {
		q := b.consumers[c]
		dead := q.deadLetters.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")})
		alarm(stack, pascal(c)+"DeadLetters", s.DeadLetterQueueName(c)+" holds events "+c+" did not handle: fix, then make redrive STAGE="+string(s), dead, 1, 1)
		rows = append(rows, awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(c + " events"), Width: jsii.Number(8),
			Left: &[]awscloudwatch.IMetric{
				q.queue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
				dead,
			},
			Right: &[]awscloudwatch.IMetric{q.queue.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")})},
		}))
	}
	awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(s.Name("dashboard")),
		Widgets:       &[]*[]awscloudwatch.IWidget{&rows},
	})
}

func alarm(stack awscdk.Stack, id, description string, metric awscloudwatch.Metric, threshold, periods float64) {
	awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(description),
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(periods),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
}

func ms(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + " ms" }
