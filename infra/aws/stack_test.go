package quartet_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	quartet "example.com/quartet/infra/aws"
)

// stages are the two stage classes, disposable and durable, and the
// disposable one in catalog's MySQL mode.
var stages = []struct{ name, engine string }{
	{"dev", quartet.EnginePostgres},
	{"prod", quartet.EnginePostgres},
	{"pr-42", quartet.EngineMySQL},
}

func resources(s *synth, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.json["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

func props(res map[string]any) map[string]any {
	p, _ := res["Properties"].(map[string]any)
	return p
}

func TestNagGate(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name+"/"+st.engine, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			for _, e := range s.nagErrs {
				t.Errorf("unsuppressed cdk-nag error %s", e)
			}
			// Every suppression carries a reason (cdk-nag itself wants 10
			// characters; this wants a sentence).
			for id, r := range s.json["Resources"].(map[string]any) {
				meta, _ := r.(map[string]any)["Metadata"].(map[string]any)
				nag, _ := meta["cdk_nag"].(map[string]any)
				rules, _ := nag["rules_to_suppress"].([]any)
				for _, rule := range rules {
					rule := rule.(map[string]any)
					if reason, _ := rule["reason"].(string); len(strings.Fields(reason)) < 5 {
						t.Errorf("%s: suppression of %v has no real reason: %q", id, rule["id"], reason)
					}
				}
			}
		})
	}
}

func TestRemovalPoliciesAndProtection(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			durable := st.name == "prod"
			policy, protect := "Delete", false
			if durable {
				policy, protect = "Retain", true
			}
			for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::RDS::DBCluster", "AWS::Logs::LogGroup", "AWS::SecretsManager::Secret", "AWS::S3::Bucket", "AWS::RDS::DBInstance"} {
				rs := resources(s, typ)
				if len(rs) == 0 {
					t.Errorf("no %s", typ)
				}
				for id, r := range rs {
					if r["DeletionPolicy"] != policy || r["UpdateReplacePolicy"] != policy {
						t.Errorf("%s %s: DeletionPolicy %v, UpdateReplacePolicy %v, want %s", typ, id, r["DeletionPolicy"], r["UpdateReplacePolicy"], policy)
					}
				}
			}
			check(t, func() {
				s.template.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
					"DeletionProtectionEnabled":        protect,
					"BillingMode":                      "PAY_PER_REQUEST",
					"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
					"TimeToLiveSpecification":          map[string]any{"AttributeName": "expiresAt", "Enabled": true},
				})
			})
			cluster := map[string]any{"DeletionProtection": protect, "StorageEncrypted": true}
			if durable {
				cluster["BackupRetentionPeriod"] = 14
				cluster["ServerlessV2ScalingConfiguration"] = map[string]any{"MinCapacity": 0.5, "MaxCapacity": 8}
			} else {
				cluster["BackupRetentionPeriod"] = 1
				cluster["ServerlessV2ScalingConfiguration"] = map[string]any{"MinCapacity": 0, "MaxCapacity": 2, "SecondsUntilAutoPause": 300}
			}
			check(t, func() { s.template.HasResourceProperties(jsii.String("AWS::RDS::DBCluster"), cluster) })
			idle := 0 // a disposable database must be able to pause
			if durable {
				idle = 50
			}
			check(t, func() {
				s.template.HasResourceProperties(jsii.String("AWS::RDS::DBProxyTargetGroup"), map[string]any{
					"ConnectionPoolConfigurationInfo": assertions.Match_ObjectLike(&map[string]any{
						"MaxConnectionsPercent": 50, "MaxIdleConnectionsPercent": idle,
					}),
				})
			})
			check(t, func() {
				s.template.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
					"PublicAccessBlockConfiguration": map[string]any{
						"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
					},
				})
			})
			if n := len(resources(s, "Custom::S3AutoDeleteObjects")); (n == 1) == durable {
				t.Errorf("%d auto-delete of the web bucket's objects on a durable=%v stage", n, durable)
			}
		})
	}
}

func TestCatalogEngine(t *testing.T) {
	for _, st := range stages {
		s := synthesize(t, st.name, st.engine)
		family, engine := "POSTGRESQL", "aurora-postgresql"
		if st.engine == quartet.EngineMySQL {
			family, engine = "MYSQL", "aurora-mysql"
		}
		check(t, func() {
			s.template.HasResourceProperties(jsii.String("AWS::RDS::DBCluster"), map[string]any{"Engine": engine})
		})
		check(t, func() {
			s.template.HasResourceProperties(jsii.String("AWS::RDS::DBProxy"), map[string]any{
				"EngineFamily": family,
				"RequireTLS":   true,
				"Auth":         []any{assertions.Match_ObjectLike(&map[string]any{"IAMAuth": "REQUIRED"})},
			})
		})
		envs := functionEnv(t, s)
		if got := envs[quartet.RoleCatalog]["CATALOG_DB_ENGINE"]; got != st.engine {
			t.Errorf("%s: CATALOG_DB_ENGINE = %v, want %s", st.name, got, st.engine)
		}
	}
}

// functionEnv returns each of our functions' environment, by role.
func functionEnv(t *testing.T, s *synth) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, fn := range ourFunctions(t, s) {
		env, _ := props(fn.res)["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		out[fn.role] = vars
	}
	return out
}

type function struct {
	id, role string
	res      map[string]any
}

func ourFunctions(t *testing.T, s *synth) []function {
	t.Helper()
	var out []function
	for id, res := range resources(s, "AWS::Lambda::Function") {
		meta, _ := res["Metadata"].(map[string]any)
		if role, ok := meta[quartet.RoleMetadata].(string); ok {
			out = append(out, function{id: id, role: role, res: res})
		}
	}
	if len(out) != len(quartet.Roles) {
		t.Fatalf("%d functions with a role, want %d", len(out), len(quartet.Roles))
	}
	return out
}

func TestFunctions(t *testing.T) {
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			s := synthesize(t, st.name, st.engine)
			logGroups := resources(s, "AWS::Logs::LogGroup")
			for _, fn := range ourFunctions(t, s) {
				p := props(fn.res)
				if p["Runtime"] != "provided.al2023" || fmt.Sprint(p["Architectures"]) != "[arm64]" || p["Handler"] != "bootstrap" {
					t.Errorf("%s: runtime %v, architectures %v, handler %v; want provided.al2023, [arm64], bootstrap", fn.role, p["Runtime"], p["Architectures"], p["Handler"])
				}
				if tc, _ := p["TracingConfig"].(map[string]any); tc["Mode"] != "Active" {
					t.Errorf("%s: tracing %v, want Active", fn.role, p["TracingConfig"])
				}
				_, inVPC := p["VpcConfig"]
				if want := strings.HasPrefix(fn.role, "catalog"); inVPC != want {
					t.Errorf("%s: in the VPC = %v, want %v (only catalog runs in the VPC)", fn.role, inVPC, want)
				}
				lc, _ := p["LoggingConfig"].(map[string]any)
				ref, _ := lc["LogGroup"].(map[string]any)
				lg, ok := logGroups[fmt.Sprint(ref["Ref"])]
				if !ok {
					t.Errorf("%s: no log group of the stack (%v)", fn.role, lc)
				} else if days, _ := props(lg)["RetentionInDays"].(float64); days == 0 {
					t.Errorf("%s: log group without retention", fn.role)
				}
				_, reserved := p["ReservedConcurrentExecutions"]
				if reserved != (fn.role == quartet.RoleCatalog) {
					t.Errorf("%s: reserved concurrency %v", fn.role, p["ReservedConcurrentExecutions"])
				}
			}
			// The CDK's own functions (web deployment, triggers, custom
			// resources) never run in the VPC either.
			for id, res := range resources(s, "AWS::Lambda::Function") {
				if _, inVPC := props(res)["VpcConfig"]; inVPC && !strings.HasPrefix(id, "Catalog") {
					t.Errorf("%s runs in the VPC", id)
				}
			}
			check(t, func() {
				s.template.ResourcePropertiesCountIs(jsii.String("AWS::EC2::NatGateway"), map[string]any{}, jsii.Number(0))
			})
			check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::EC2::InternetGateway"), jsii.Number(0)) })
			// One interface endpoint: EventBridge, for catalog's functions
			// (TestEventBridgeEndpoint).
			check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::EC2::VPCEndpoint"), jsii.Number(1)) })
		})
	}
}

// TestFunctionEnvironments pins what each function is told, by name: the
// variables each context's ConfigFromEnv reads.
func TestFunctionEnvironments(t *testing.T) {
	// The migrations write outbox rows but never publish: no bus for them.
	catalog := []string{"CATALOG_DB_ENGINE", "DATABASE_IAM_AUTH", "DATABASE_URL", "REQUEST_BUDGET"}
	catalogBus := []string{"CATALOG_DB_ENGINE", "DATABASE_IAM_AUTH", "DATABASE_URL", "EVENT_BUS_NAME", "REQUEST_BUDGET"}
	orders := []string{"EVENT_BUS_NAME", "ORDERS_CLAIM_LEASE", "ORDERS_TABLE", "REQUEST_BUDGET"}
	reviews := []string{"MONGODB_DATABASE", "MONGODB_URI_SECRET", "REQUEST_BUDGET"}
	reviewsBus := []string{"EVENT_BUS_NAME", "MONGODB_DATABASE", "MONGODB_URI_SECRET", "REQUEST_BUDGET"}
	want := map[string][]string{
		quartet.RoleCatalog:        catalogBus,
		quartet.RoleCatalogMigrate: catalog,
		quartet.RoleCatalogEvents:  catalogBus,
		quartet.RoleCatalogRelay:   catalogBus,
		quartet.RoleAccounts:       {"DATABASE_URL_SECRET", "REQUEST_BUDGET", "SIGNING_KEYS_SECRET", "TOKEN_AUDIENCE", "TOKEN_ISSUER"},
		quartet.RoleOrders:         orders,
		quartet.RoleOrdersEvents:   orders,
		quartet.RoleOrdersRelay:    orders,
		quartet.RoleReviews:        reviewsBus,
		quartet.RoleReviewsMigrate: reviews,
		quartet.RoleReviewsEvents:  reviewsBus,
		quartet.RoleReviewsRelay:   reviewsBus,
	}
	if len(want) != len(quartet.Roles) {
		t.Errorf("%d roles pinned, %d in the stack", len(want), len(quartet.Roles))
	}
	s := synthesize(t, "dev", quartet.EnginePostgres)
	got, err := quartet.FunctionEnvironments(s.json)
	if err != nil {
		t.Fatal(err)
	}
	for role, names := range want {
		if !slices.Equal(got[role], names) {
			t.Errorf("%s: environment %v, want %v", role, got[role], names)
		}
	}
	env := functionEnv(t, s)
	if url := fmt.Sprint(env[quartet.RoleCatalog]["DATABASE_URL"]); !strings.Contains(url, "default_query_exec_mode=exec") || !strings.Contains(url, "sslmode=verify-full") {
		t.Errorf("catalog DATABASE_URL %s: want exec mode (the proxy does not pin) and verified TLS", url)
	}
}

func TestRoutesAreTheOpenAPIDocuments(t *testing.T) {
	want, err := quartet.ContextRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := synthesize(t, "dev", quartet.EnginePostgres)
	fnOfIntegration := map[string]string{} // integration id -> function role
	roleOf := map[string]string{}
	for _, fn := range ourFunctions(t, s) {
		roleOf[fn.id] = fn.role
	}
	for id, res := range resources(s, "AWS::ApiGatewayV2::Integration") {
		p := props(res)
		uri, _ := p["IntegrationUri"].(map[string]any)
		att, _ := uri["Fn::GetAtt"].([]any)
		if len(att) != 2 || p["PayloadFormatVersion"] != "2.0" || p["IntegrationType"] != "AWS_PROXY" {
			t.Errorf("integration %s: %v", id, p)
			continue
		}
		fnOfIntegration[id] = roleOf[fmt.Sprint(att[0])]
	}
	authorizers := resources(s, "AWS::ApiGatewayV2::Authorizer")
	if len(authorizers) != 1 {
		t.Fatalf("%d authorizers, want 1", len(authorizers))
	}
	var authorizerID string
	for id, a := range authorizers {
		authorizerID = id
		jwt := props(a)["JwtConfiguration"].(map[string]any)
		if fmt.Sprint(jwt["Audience"]) != "[quartet]" || !strings.Contains(fmt.Sprint(jwt["Issuer"]), "Web") {
			t.Errorf("authorizer: %v; want audience quartet and the distribution's URL as issuer", jwt)
		}
	}

	type route struct{ role, auth string }
	got := map[string]route{}
	for id, res := range resources(s, "AWS::ApiGatewayV2::Route") {
		p := props(res)
		key := p["RouteKey"].(string)
		if _, dup := got[key]; dup {
			t.Errorf("route %s twice", key)
		}
		target := fmt.Sprint(p["Target"])
		var role string
		for integ, r := range fnOfIntegration {
			if strings.Contains(target, integ) {
				role = r
			}
		}
		auth := fmt.Sprint(p["AuthorizationType"])
		if auth == "JWT" && !strings.Contains(fmt.Sprint(p["AuthorizerId"]), authorizerID) {
			t.Errorf("%s (%s): JWT with another authorizer %v", key, id, p["AuthorizerId"])
		}
		got[key] = route{role: role, auth: auth}
	}
	expected := map[string]route{}
	for role, routes := range want {
		for _, r := range routes {
			auth := "NONE"
			if r.Secured {
				auth = "JWT"
			}
			expected[r.Key()] = route{role: role, auth: auth}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(expected)) {
		if got[key] != expected[key] {
			t.Errorf("%s: route %+v, want %+v", key, got[key], expected[key])
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if _, ok := expected[key]; !ok {
			t.Errorf("%s: route in the API but in no openapi.yaml", key)
		}
	}
	var secured int
	for _, r := range expected {
		if r.auth == "JWT" {
			secured++
		}
	}
	if secured == 0 || secured == len(expected) {
		t.Errorf("%d of %d routes secured: the documents have both kinds", secured, len(expected))
	}
}

func TestAPIStage(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	check(t, func() {
		s.template.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName":         "$default",
			"AutoDeploy":        true,
			"AccessLogSettings": assertions.Match_ObjectLike(&map[string]any{"DestinationArn": assertions.Match_AnyValue()}),
			"DefaultRouteSettings": assertions.Match_ObjectLike(&map[string]any{
				"ThrottlingRateLimit": assertions.Match_AnyValue(), "ThrottlingBurstLimit": assertions.Match_AnyValue(),
			}),
		})
	})
	check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Stage"), jsii.Number(1)) })
}

func TestNoWildcardActions(t *testing.T) {
	for _, st := range stages {
		s := synthesize(t, st.name, st.engine)
		for id, r := range s.json["Resources"].(map[string]any) {
			res := r.(map[string]any)
			var docs []any
			switch res["Type"] {
			case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
				docs = append(docs, props(res)["PolicyDocument"])
			case "AWS::IAM::Role":
				policies, _ := props(res)["Policies"].([]any)
				for _, p := range policies {
					docs = append(docs, p.(map[string]any)["PolicyDocument"])
				}
			default:
				continue
			}
			for _, doc := range docs {
				statements, _ := doc.(map[string]any)["Statement"].([]any)
				for _, stmt := range statements {
					stmt := stmt.(map[string]any)
					actions, ok := stmt["Action"].([]any)
					if !ok {
						actions = []any{stmt["Action"]}
					}
					for _, a := range actions {
						if a, _ := a.(string); a == "*" || strings.HasSuffix(a, ":*") {
							t.Errorf("%s %s: statement allows %q", st.name, id, a)
						}
					}
					if _, ok := stmt["NotAction"]; ok {
						t.Errorf("%s %s: NotAction statement", st.name, id)
					}
				}
			}
		}
	}
}

// TestNoDependencyCycle follows every Ref, Fn::GetAtt and DependsOn of the
// template: CloudFormation refuses a template with a cycle, and the
// issuer (the distribution's URL) on the accounts function and on the
// authorizer is where one would hide.
func TestNoDependencyCycle(t *testing.T) {
	for _, st := range stages {
		s := synthesize(t, st.name, st.engine)
		res := s.json["Resources"].(map[string]any)
		deps := map[string][]string{}
		for id, r := range res {
			r := r.(map[string]any)
			var walk func(v any)
			walk = func(v any) {
				switch v := v.(type) {
				case map[string]any:
					if ref, ok := v["Ref"].(string); ok {
						deps[id] = append(deps[id], ref)
					}
					if att, ok := v["Fn::GetAtt"].([]any); ok && len(att) > 0 {
						deps[id] = append(deps[id], fmt.Sprint(att[0]))
					}
					for _, x := range v {
						walk(x)
					}
				case []any:
					for _, x := range v {
						walk(x)
					}
				}
			}
			walk(r["Properties"])
			if d, ok := r["DependsOn"].([]any); ok {
				for _, x := range d {
					deps[id] = append(deps[id], fmt.Sprint(x))
				}
			} else if d, ok := r["DependsOn"].(string); ok {
				deps[id] = append(deps[id], d)
			}
		}
		const (
			unseen = iota
			active
			done
		)
		state := map[string]int{}
		var path []string
		var visit func(id string) bool
		visit = func(id string) bool {
			switch state[id] {
			case active:
				t.Errorf("%s: dependency cycle %s -> %s", st.name, strings.Join(path, " -> "), id)
				return false
			case done:
				return true
			}
			if _, ok := res[id]; !ok {
				return true // a parameter or pseudo parameter
			}
			state[id] = active
			path = append(path, id)
			for _, d := range deps[id] {
				if !visit(d) {
					return false
				}
			}
			path = path[:len(path)-1]
			state[id] = done
			return true
		}
		for _, id := range slices.Sorted(maps.Keys(res)) {
			if !visit(id) {
				break
			}
		}
	}
}

func TestMigrationsRunOnDeploy(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	triggers := resources(s, "Custom::Trigger")
	if len(triggers) != 2 {
		t.Fatalf("%d triggers, want 2 (catalog and reviews migrations)", len(triggers))
	}
	for id, tr := range triggers {
		p := props(tr)
		if p["InvocationType"] != "RequestResponse" {
			t.Errorf("%s: invocation %v: a failed migration must fail the deploy", id, p["InvocationType"])
		}
	}
	fns := map[string]function{}
	for _, fn := range ourFunctions(t, s) {
		fns[fn.role] = fn
	}
	// The API functions wait for their migrations.
	for role, trigger := range map[string]string{quartet.RoleCatalog: "CatalogMigrations", quartet.RoleReviews: "ReviewsMigrations"} {
		if d := fmt.Sprint(fns[role].res["DependsOn"]); !strings.Contains(d, trigger) {
			t.Errorf("%s function does not depend on %s: %s", role, trigger, d)
		}
	}

	// A deploy id reruns both on every deploy.
	bin := t.TempDir()
	if err := quartet.PlaceholderBin(bin); err != nil {
		t.Fatal(err)
	}
	tpl, err := quartet.Template(quartet.Props{Stage: "dev", BinDir: bin, DeployID: "20261201T230000Z"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(tpl["Resources"])
	if n := strings.Count(string(raw), `"DeployId":"20261201T230000Z"`); n != 2 {
		t.Errorf("deploy id on %d triggers, want 2", n)
	}
}

func TestWebDistribution(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	const allViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	check(t, func() {
		s.template.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
			"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
				"CacheBehaviors": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"PathPattern":           "/v1/*",
					"CachePolicyId":         cachingDisabled,
					"OriginRequestPolicyId": allViewerExceptHost,
					"AllowedMethods":        assertions.Match_ArrayWith(&[]any{"PATCH", "POST", "DELETE"}),
					"FunctionAssociations":  assertions.Match_Absent(),
				})}),
				"DefaultCacheBehavior": assertions.Match_ObjectLike(&map[string]any{
					"FunctionAssociations": []any{assertions.Match_ObjectLike(&map[string]any{"EventType": "viewer-request"})},
					"ViewerProtocolPolicy": "redirect-to-https",
				}),
				// An error response would rewrite the API's 404s too.
				"CustomErrorResponses": assertions.Match_Absent(),
				"Origins": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"OriginAccessControlId": assertions.Match_AnyValue(),
				})}),
			}),
		})
	})
	check(t, func() {
		s.template.HasResourceProperties(jsii.String("AWS::CloudFront::ResponseHeadersPolicy"), map[string]any{
			"ResponseHeadersPolicyConfig": assertions.Match_ObjectLike(&map[string]any{
				"SecurityHeadersConfig": assertions.Match_ObjectLike(&map[string]any{
					"StrictTransportSecurity": assertions.Match_ObjectLike(&map[string]any{"Override": true}),
					"ContentSecurityPolicy":   assertions.Match_AnyValue(),
					"FrameOptions":            assertions.Match_ObjectLike(&map[string]any{"FrameOption": "DENY"}),
				}),
			}),
		})
	})
}

// Every API route is reachable through the distribution: its path falls
// under one of the API behaviours, never under the web's default one
// (where the SPA rewrite would turn /.well-known/openid-configuration
// into index.html and the authorizer could not find the keys).
func TestEveryRouteHasAnAPIBehaviour(t *testing.T) {
	routes, err := quartet.ContextRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := synthesize(t, "dev", quartet.EnginePostgres)
	var patterns []string
	for _, d := range resources(s, "AWS::CloudFront::Distribution") {
		cfg := props(d)["DistributionConfig"].(map[string]any)
		for _, b := range cfg["CacheBehaviors"].([]any) {
			b := b.(map[string]any)
			if b["CachePolicyId"] != "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" || b["FunctionAssociations"] != nil {
				t.Errorf("behaviour %v: want the API's (uncached, no rewrite)", b["PathPattern"])
			}
			patterns = append(patterns, b["PathPattern"].(string))
		}
	}
	for _, rs := range routes {
		for _, r := range rs {
			ok := false
			for _, p := range patterns {
				if strings.HasPrefix(r.Path, strings.TrimSuffix(p, "*")) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: no API behaviour in %v", r.Key(), patterns)
			}
		}
	}
}

func TestOperations(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	alarms := resources(s, "AWS::CloudWatch::Alarm")
	perMetric := map[string]int{}
	for _, a := range alarms {
		perMetric[fmt.Sprint(props(a)["MetricName"], "/", props(a)["Namespace"])]++
	}
	n := len(quartet.Roles)
	for metric, want := range map[string]int{
		"Errors/AWS/Lambda": n, "Throttles/AWS/Lambda": n, "Duration/AWS/Lambda": 4, "5xx/AWS/ApiGateway": 1,
		"ApproximateNumberOfMessagesVisible/AWS/SQS": len(quartet.Consumers),
	} {
		if perMetric[metric] != want {
			t.Errorf("%d alarms on %s, want %d (all: %v)", perMetric[metric], metric, want, perMetric)
		}
	}
	check(t, func() {
		s.template.HasResourceProperties(jsii.String("AWS::CloudWatch::Dashboard"), map[string]any{"DashboardName": "quartet-dev-dashboard"})
	})
}

func TestNewStackRefusesBadProps(t *testing.T) {
	bin := t.TempDir()
	if err := quartet.PlaceholderBin(bin); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]quartet.Props{
		"bad stage":       {Stage: "Prod", BinDir: bin},
		"bad engine":      {Stage: "dev", BinDir: bin, CatalogEngine: "oracle"},
		"no bootstraps":   {Stage: "dev", BinDir: t.TempDir()},
		"stage too long!": {Stage: "a-very-long-stage-name-x", BinDir: bin},
	} {
		if _, err := quartet.Template(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestReviewsSweepSchedule: the sweep that repairs owed rating-summary
// changes runs on a schedule, invoking the reviews function with the
// payload its cmd/lambda routes to the sweep.
func TestReviewsSweepSchedule(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	rules := map[string]map[string]any{}
	for id, r := range resources(s, "AWS::Events::Rule") {
		if props(r)["Name"] == "quartet-dev-reviews-sweep" {
			rules[id] = r
		}
	}
	if len(rules) != 1 {
		t.Fatalf("%d reviews sweep rules, want 1", len(rules))
	}
	for _, r := range rules {
		p := props(r)
		if got := p["ScheduleExpression"]; got != "rate(5 minutes)" {
			t.Errorf("ScheduleExpression %v, want rate(5 minutes)", got)
		}
		targets, _ := p["Targets"].([]any)
		if len(targets) != 1 {
			t.Fatalf("targets %v, want one", targets)
		}
		target := targets[0].(map[string]any)
		if got := target["Input"]; got != `{"action":"sweep"}` {
			t.Errorf("Input %v, want the sweep action", got)
		}
		if role := targetRole(t, s, target); role != quartet.RoleReviews {
			t.Errorf("target %v is the %q function, want the reviews function", target["Arn"], role)
		}
	}
}

// targetRole is the role of the function a rule's target invokes ("" when
// it is none of ours).
func targetRole(t *testing.T, s *synth, target map[string]any) string {
	t.Helper()
	arn, _ := target["Arn"].(map[string]any)
	att, _ := arn["Fn::GetAtt"].([]any)
	if len(att) != 2 || att[1] != "Arn" {
		return ""
	}
	for _, fn := range ourFunctions(t, s) {
		if fn.id == att[0] {
			return fn.role
		}
	}
	return ""
}
