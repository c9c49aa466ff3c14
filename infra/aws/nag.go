package quartet

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Every cdk-nag finding the stack accepts is suppressed here, on the
// construct it concerns, with its reason. The tests fail on any
// unsuppressed AwsSolutions error and on a suppression without a reason.

// rule is one accepted finding: the rule id, why it is accepted, and, for
// the IAM5 wildcard rule, which findings exactly (regular expressions over
// cdk-nag's "Action::…" / "Resource::…" strings).
type rule struct {
	id, reason string
	appliesTo  []string
}

func suppress(c constructs.IConstruct, children bool, rules ...rule) {
	var list []*cdknag.NagPackSuppression
	for _, r := range rules {
		s := &cdknag.NagPackSuppression{Id: jsii.String(r.id), Reason: jsii.String(r.reason)}
		if len(r.appliesTo) > 0 {
			applies := make([]any, 0, len(r.appliesTo))
			for _, re := range r.appliesTo {
				applies = append(applies, &cdknag.RegexAppliesTo{Regex: jsii.String(re)})
			}
			s.AppliesTo = &applies
		}
		list = append(list, s)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &list, jsii.Bool(children))
}

// suppressFunctionRole accepts the wildcards of a function's execution
// role that AWS leaves no way around.
func suppressFunctionRole(role awsiam.Role, inVPC bool) {
	rules := []rule{{
		id:        "AwsSolutions-IAM5",
		reason:    "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions (active tracing); DynamoDB's index/* is the orders table's own indexes",
		appliesTo: []string{`/^Resource::\*$/g`, `/^Resource::<OrdersTable.*\.Arn>\/index\/\*$/g`},
	}}
	if inVPC {
		rules[0].reason = "Lambda's network interfaces in the VPC: ec2:Describe* and CreateNetworkInterface support no resource-level permissions (the same as AWSLambdaVPCAccessExecutionRole); X-Ray's PutTraceSegments and PutTelemetryRecords none either (active tracing)"
	}
	suppress(role, true, rules...)
}

// suppressPublicRoute accepts a route without an authorizer: its OpenAPI
// operation is public (security: [] or optional).
func suppressPublicRoute(route awsapigatewayv2.HttpRoute, key string) {
	suppress(route, true, rule{id: "AwsSolutions-APIG4", reason: key + " is public in its context's openapi.yaml; the routes it secures have the JWT authorizer"})
}

// suppressStackWide accepts findings about resources the CDK creates for
// its own machinery, by construct path.
func suppressStackWide(stack awscdk.Stack) {
	for _, c := range *stack.Node().Children() {
		if strings.HasPrefix(*c.Node().Id(), "Custom::CDKBucketDeployment") {
			suppress(c, true,
				rule{id: "AwsSolutions-L1", reason: "the CDK's BucketDeployment handler: its runtime is chosen by aws-cdk-lib, which this stack pins"},
				rule{id: "AwsSolutions-IAM4", reason: "the CDK's BucketDeployment handler logs with AWSLambdaBasicExecutionRole; it runs only during deploys"},
				rule{id: "AwsSolutions-IAM5", reason: "the CDK's BucketDeployment handler copies the web files from the CDK asset bucket to the web bucket (object wildcards of those two buckets) and invalidates the distribution (CloudFront invalidations take no resource)"},
			)
		}
	}
}

// suppressDatabase accepts the database findings of the stage class.
func suppressDatabase(d *data, s Stage) {
	if !s.Durable() {
		suppress(d.cluster, false, rule{id: "AwsSolutions-RDS10", reason: "disposable stage: its database is deleted with its stack; prod and staging have deletion protection"})
	}
	suppress(d.cluster, false, rule{id: "AwsSolutions-RDS11", reason: "the default port: the database is reachable only from the proxy's security group, in isolated subnets without a route out; a different port number would add nothing"})
	if d.dbEngine == EngineMySQL {
		suppress(d.cluster, false, rule{id: "AwsSolutions-RDS14", reason: "recovery is point-in-time restore from the automated backups; backtracking bills every change record and is not offered on every Aurora Serverless v2 configuration"})
	}
	// cluster.Secret() is the attachment; the secret is the "Secret" child.
	suppress(d.cluster.Node().FindChild(jsii.String("Secret")), true, rule{id: "AwsSolutions-SMG4", reason: "the generated admin password is read only by the RDS Proxy; functions sign IAM tokens instead. Rotation needs a rotation function in the VPC and a Secrets Manager interface endpoint, which the isolated VPC does not have: docs/deploy.md rotates it by redeploying with a new secret"})
}

// suppressWeb accepts the findings of the web distribution and bucket.
func suppressWeb(bucket awss3.Bucket, dist awscloudfront.Distribution) {
	suppress(bucket, false, rule{id: "AwsSolutions-S1", reason: "the bucket is private and read only by CloudFront through origin access control; requests are observed at the distribution and the API's access logs"})
	suppress(dist, false,
		rule{id: "AwsSolutions-CFR3", reason: "API requests are logged by the HTTP API's access log; static web files are not logged, to keep idle stages free (docs/deploy.md shows how to turn standard logging on)"},
		rule{id: "AwsSolutions-CFR1", reason: "a storefront open to every country; a stage that must not be can add a geo restriction"},
		rule{id: "AwsSolutions-CFR2", reason: "no WAF web ACL by default: it costs about 6 USD a month per stage before requests; the API has stage throttling, and docs/deploy.md shows how to attach a web ACL to prod"},
		rule{id: "AwsSolutions-CFR4", reason: "the stage uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes; a custom domain with TLSv1.2_2021 is the documented next step"},
	)
}
