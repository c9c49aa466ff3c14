package quartet_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	quartet "example.com/quartet/infra/aws"
	"example.com/quartet/packages/event/eventtest"
)

// ref is the logical id a {"Ref": id} or {"Fn::GetAtt": [id, …]} names.
func ref(v any) string {
	m, _ := v.(map[string]any)
	if r, ok := m["Ref"].(string); ok {
		return r
	}
	if att, ok := m["Fn::GetAtt"].([]any); ok && len(att) > 0 {
		return fmt.Sprint(att[0])
	}
	return ""
}

// named returns the logical id of the one resource of type typ whose
// property key is name.
func named(t *testing.T, s *synth, typ, key, name string) (string, map[string]any) {
	t.Helper()
	for id, r := range resources(s, typ) {
		if props(r)[key] == name {
			return id, r
		}
	}
	t.Fatalf("no %s with %s %s", typ, key, name)
	return "", nil
}

func TestEventBus(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			buses := resources(s, "AWS::Events::EventBus")
			if len(buses) != 1 {
				t.Fatalf("%d buses, want 1", len(buses))
			}
			busID, _ := named(t, s, "AWS::Events::EventBus", "Name", "quartet-"+st.name)
			days := 3
			if st.name == "prod" {
				days = 30
			}
			check(t, func() {
				s.template.HasResourceProperties(jsii.String("AWS::Events::Archive"), map[string]any{
					"SourceArn":     map[string]any{"Fn::GetAtt": []any{busID, "Arn"}},
					"EventPattern":  map[string]any{"source": []any{map[string]any{"prefix": quartet.SourcePrefix}}},
					"RetentionDays": days,
				})
			})
			check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::Events::Archive"), jsii.Number(1)) })
		})
	}
}

// TestConsumers: per consumer a queue, its dead-letter queue and a rule
// on the bus whose detail types are exactly the consumer's consumes.json.
func TestConsumers(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			stage := quartet.Stage(st.name)
			busID, _ := named(t, s, "AWS::Events::EventBus", "Name", stage.StackName())
			fns := map[string]function{}
			for _, fn := range ourFunctions(t, s) {
				fns[fn.role] = fn
			}
			policies := resources(s, "AWS::SQS::QueuePolicy")
			if n := len(resources(s, "AWS::SQS::Queue")); n != 2*len(quartet.Consumers) {
				t.Errorf("%d queues, want a queue and a dead-letter queue per consumer", n)
			}
			if n := len(resources(s, "AWS::Lambda::EventSourceMapping")); n != len(quartet.Consumers) {
				t.Errorf("%d event source mappings, want one per consumer", n)
			}
			for _, c := range quartet.Consumers {
				t.Run(c, func(t *testing.T) {
					dlqID, dlq := named(t, s, "AWS::SQS::Queue", "QueueName", stage.DeadLetterQueueName(c))
					queueID, queue := named(t, s, "AWS::SQS::Queue", "QueueName", stage.QueueName(c))
					fn := fns[quartet.EventsRole(c)]
					timeout, _ := props(fn.res)["Timeout"].(float64)
					q := props(queue)
					if vis, _ := q["VisibilityTimeout"].(float64); timeout == 0 || vis < 6*timeout {
						t.Errorf("visibility timeout %v, want at least 6 x the function's %v s", q["VisibilityTimeout"], timeout)
					}
					redrive, _ := q["RedrivePolicy"].(map[string]any)
					if ref(redrive["deadLetterTargetArn"]) != dlqID || redrive["maxReceiveCount"] != 5.0 {
						t.Errorf("redrive policy %v, want 5 receives, then %s", redrive, dlqID)
					}
					if days := props(dlq)["MessageRetentionPeriod"]; days != 14*86400.0 {
						t.Errorf("dead letters kept %v s, want 14 days", days)
					}
					for id, qp := range map[string]map[string]any{queueID: q, dlqID: props(dlq)} {
						if qp["SqsManagedSseEnabled"] != true && qp["KmsMasterKeyId"] == nil {
							t.Errorf("%s: no server-side encryption", id)
						}
						if !deniesPlainHTTP(policies, id) {
							t.Errorf("%s: no policy denying requests without TLS", id)
						}
					}

					_, rule := named(t, s, "AWS::Events::Rule", "Name", stage.Name(c+"-consumes"))
					rp := props(rule)
					if ref(rp["EventBusName"]) != busID {
						t.Errorf("rule on %v, want the stage's bus", rp["EventBusName"])
					}
					pattern, _ := rp["EventPattern"].(map[string]any)
					if fmt.Sprint(pattern["source"]) != "[map[prefix:quartet.]]" {
						t.Errorf("source pattern %v, want the prefix %s", pattern["source"], quartet.SourcePrefix)
					}
					var types []string
					for _, dt := range pattern["detail-type"].([]any) {
						types = append(types, dt.(string))
					}
					want := consumes(t, c)
					if !slices.Equal(slices.Sorted(slices.Values(types)), slices.Sorted(slices.Values(want))) {
						t.Errorf("rule matches %v, consumes.json lists %v", types, want)
					}
					targets, _ := rp["Targets"].([]any)
					if len(targets) != 1 {
						t.Fatalf("targets %v, want the queue", targets)
					}
					target := targets[0].(map[string]any)
					dead, _ := target["DeadLetterConfig"].(map[string]any)
					if ref(target["Arn"]) != queueID || ref(dead["Arn"]) != dlqID {
						t.Errorf("target %v, dead letters %v; want %s and %s", target["Arn"], dead, queueID, dlqID)
					}

					check(t, func() {
						s.template.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
							"EventSourceArn":        map[string]any{"Fn::GetAtt": []any{queueID, "Arn"}},
							"FunctionName":          map[string]any{"Ref": fn.id},
							"BatchSize":             10,
							"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
							"ScalingConfig":         map[string]any{"MaximumConcurrency": assertions.Match_AnyValue()},
						})
					})

					check(t, func() {
						s.template.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
							"Namespace":          "AWS/SQS",
							"MetricName":         "ApproximateNumberOfMessagesVisible",
							"Dimensions":         []any{map[string]any{"Name": "QueueName", "Value": map[string]any{"Fn::GetAtt": []any{dlqID, "QueueName"}}}},
							"Threshold":          1,
							"ComparisonOperator": "GreaterThanOrEqualToThreshold",
						})
					})
				})
			}
		})
	}
}

// consumes reads services/<ctx>/events/consumes.json.
func consumes(t *testing.T, ctx string) []string {
	t.Helper()
	types, err := eventtest.ReadConsumes(filepath.Join("..", "..", "services", ctx, "events"))
	if err != nil {
		t.Fatal(err)
	}
	if len(types) == 0 {
		t.Fatalf("%s consumes nothing", ctx)
	}
	return types
}

// deniesPlainHTTP reports whether a queue policy of queue denies every
// request made without TLS.
func deniesPlainHTTP(policies map[string]map[string]any, queue string) bool {
	for _, p := range policies {
		pp := props(p)
		queues, _ := pp["Queues"].([]any)
		if len(queues) != 1 || ref(queues[0]) != queue {
			continue
		}
		doc, _ := pp["PolicyDocument"].(map[string]any)
		statements, _ := doc["Statement"].([]any)
		for _, st := range statements {
			st := st.(map[string]any)
			cond := fmt.Sprint(st["Condition"])
			if st["Effect"] == "Deny" && st["Action"] == "sqs:*" && cond == "map[Bool:map[aws:SecureTransport:false]]" {
				return true
			}
		}
	}
	return false
}

// TestPutEvents: exactly the API, consumer and relay functions of the
// three event contexts may put events, on the stage's bus only, and are
// told its name.
func TestPutEvents(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	busID, _ := named(t, s, "AWS::Events::EventBus", "Name", "quartet-dev")
	want := map[string]bool{}
	for _, c := range quartet.Consumers {
		want[c], want[quartet.EventsRole(c)], want[quartet.RelayRole(c)] = true, true, true
	}
	roleOfIAMRole := map[string]string{}
	for _, fn := range ourFunctions(t, s) {
		roleOfIAMRole[ref(props(fn.res)["Role"])] = fn.role
		env := functionEnv(t, s)[fn.role]
		if got := ref(env["EVENT_BUS_NAME"]); (got == busID) != want[fn.role] || (got != "" && got != busID) {
			t.Errorf("%s: EVENT_BUS_NAME %v", fn.role, env["EVENT_BUS_NAME"])
		}
	}
	granted := map[string]bool{}
	for id, p := range resources(s, "AWS::IAM::Policy") {
		pp := props(p)
		doc, _ := pp["PolicyDocument"].(map[string]any)
		for _, st := range doc["Statement"].([]any) {
			st := st.(map[string]any)
			if !strings.Contains(fmt.Sprint(st["Action"]), "events:") {
				continue
			}
			if st["Action"] != "events:PutEvents" || fmt.Sprint(st["Resource"]) != fmt.Sprint(map[string]any{"Fn::GetAtt": []any{busID, "Arn"}}) {
				t.Errorf("%s: %v on %v; want events:PutEvents on the bus only", id, st["Action"], st["Resource"])
			}
			for _, r := range pp["Roles"].([]any) {
				granted[roleOfIAMRole[ref(r)]] = true
			}
		}
	}
	for _, role := range quartet.Roles {
		if granted[role] != want[role] {
			t.Errorf("%s: may put events = %v, want %v", role, granted[role], want[role])
		}
	}
}

// TestRelaySchedules: each producer's relay sweeps its outbox every
// minute, but for catalog's on a disposable stage, whose database must be
// able to pause: hourly.
func TestRelaySchedules(t *testing.T) {
	for _, stage := range []string{"dev", "prod"} {
		s := synthesize(t, stage, quartet.EnginePostgres)
		for _, c := range quartet.Consumers {
			_, rule := named(t, s, "AWS::Events::Rule", "Name", "quartet-"+stage+"-"+quartet.RelayRole(c))
			p := props(rule)
			want := "rate(1 minute)"
			if c == quartet.RoleCatalog && stage == "dev" {
				want = "rate(1 hour)"
			}
			if p["ScheduleExpression"] != want || p["EventBusName"] != nil {
				t.Errorf("%s %s: schedule %v on %v, want %s on the default bus", stage, c, p["ScheduleExpression"], p["EventBusName"], want)
			}
			targets, _ := p["Targets"].([]any)
			if len(targets) != 1 || targetRole(t, s, targets[0].(map[string]any)) != quartet.RelayRole(c) {
				t.Errorf("%s: targets %v, want the relay function", c, targets)
			}
		}
	}
}

// TestEventBridgeEndpoint: catalog's functions, in the isolated VPC,
// reach EventBridge through an interface endpoint that allows PutEvents
// on the bus only, from their security group only.
func TestEventBridgeEndpoint(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			busID, _ := named(t, s, "AWS::Events::EventBus", "Name", "quartet-"+st.name)
			endpoints := resources(s, "AWS::EC2::VPCEndpoint")
			if len(endpoints) != 1 {
				t.Fatalf("%d endpoints, want 1", len(endpoints))
			}
			for _, ep := range endpoints {
				p := props(ep)
				if !strings.HasSuffix(fmt.Sprint(p["ServiceName"]), ".events]]]") || p["PrivateDnsEnabled"] != true {
					t.Errorf("endpoint %v (private DNS %v), want EventBridge's with private DNS", p["ServiceName"], p["PrivateDnsEnabled"])
				}
				subnets := 1
				if st.name == "prod" {
					subnets = 2
				}
				if n := len(p["SubnetIds"].([]any)); n != subnets {
					t.Errorf("endpoint in %d subnets, want %d", n, subnets)
				}
				doc := p["PolicyDocument"].(map[string]any)
				statements := doc["Statement"].([]any)
				if len(statements) != 1 {
					t.Fatalf("endpoint policy %v", doc)
				}
				stmt := statements[0].(map[string]any)
				if stmt["Action"] != "events:PutEvents" || ref(stmt["Resource"]) != busID || stmt["Effect"] != "Allow" {
					t.Errorf("endpoint policy %v, want PutEvents on the bus only", stmt)
				}
				sgs := p["SecurityGroupIds"].([]any)
				if len(sgs) != 1 {
					t.Fatalf("endpoint security groups %v", sgs)
				}
				sgID, _ := named(t, s, "AWS::EC2::SecurityGroup", "GroupDescription", "EventBridge interface endpoint: from catalog functions")
				if ref(sgs[0]) != sgID {
					t.Errorf("endpoint security group %v, want %s", sgs[0], sgID)
				}
				ingress := 0
				for _, r := range resources(s, "AWS::EC2::SecurityGroupIngress") {
					rp := props(r)
					if ref(rp["GroupId"]) == sgID {
						ingress++
						if rp["FromPort"] != 443.0 || rp["ToPort"] != 443.0 || !strings.HasPrefix(ref(rp["SourceSecurityGroupId"]), "CatalogFunctions") {
							t.Errorf("endpoint ingress %v, want 443 from catalog's functions", rp)
						}
					}
				}
				if ingress != 1 {
					t.Errorf("%d ingress rules on the endpoint, want 1", ingress)
				}
			}
		})
	}
}
