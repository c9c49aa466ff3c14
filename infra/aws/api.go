package quartet

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"example.com/quartet/packages/apispec"
	"example.com/quartet/services/accounts"
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/reviews"
)

// ContextRoutes returns each context's routes (function role -> routes),
// read from the four services' OpenAPI documents: the one source of the
// API Gateway routes.
func ContextRoutes() (map[string][]apispec.Route, error) {
	specs := map[string][]byte{
		RoleAccounts: accounts.OpenAPI,
		RoleCatalog:  catalog.OpenAPI,
		RoleOrders:   orders.OpenAPI,
		RoleReviews:  reviews.OpenAPI,
	}
	out := map[string][]apispec.Route{}
	seen := map[string]string{}
	for _, role := range Roles {
		spec, ok := specs[role]
		if !ok {
			continue
		}
		routes, err := apispec.Routes(spec)
		if err != nil {
			return nil, fmt.Errorf("%s openapi.yaml: %w", role, err)
		}
		for _, r := range routes {
			if other, dup := seen[r.Key()]; dup {
				return nil, fmt.Errorf("route %s is in both %s and %s", r.Key(), other, role)
			}
			seen[r.Key()] = role
		}
		out[role] = routes
	}
	return out, nil
}

// Throttling of the $default stage, per stage class.
func throttle(s Stage) (rate, burst float64) {
	if s.Durable() {
		return 500, 1000
	}
	return 50, 100
}

// httpAPI is the stage's HTTP API, before and after its routes.
type httpAPI struct {
	api    awsapigatewayv2.HttpApi
	stage  awsapigatewayv2.CfnStage
	routes map[string]awsapigatewayv2.HttpRoute // by route key
}

// newAPI creates the HTTP API and its $default stage (payload 2.0, access
// logs, throttling). Routes come later (addRoutes), once the distribution,
// whose URL is the authorizer's issuer, exists.
func newAPI(stack awscdk.Stack, s Stage) *httpAPI {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(s.Name("api")),
		Description:        jsii.String("Quartet HTTP API, routes generated from services/*/openapi.yaml"),
		CreateDefaultStage: jsii.Bool(false),
	})
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/quartet/" + string(s) + "/api-access"),
		Retention:     logRetention(s),
		RemovalPolicy: removalPolicy(s),
	})
	rate, burst := throttle(s)
	stage := awsapigatewayv2.NewCfnStage(stack, jsii.String("ApiDefaultStage"), &awsapigatewayv2.CfnStageProps{
		ApiId:      api.ApiId(),
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		AccessLogSettings: &awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
			DestinationArn: accessLogs.LogGroupArn(),
			Format:         jsii.String(accessLogFormat),
		},
		DefaultRouteSettings: &awsapigatewayv2.CfnStage_RouteSettingsProperty{
			ThrottlingRateLimit:  jsii.Number(rate),
			ThrottlingBurstLimit: jsii.Number(burst),
		},
	})
	return &httpAPI{api: api, stage: stage, routes: map[string]awsapigatewayv2.HttpRoute{}}
}

// accessLogFormat is one JSON line per request, keyed by the request id
// that the contexts also log and return (X-Request-Id).
var accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",` +
	`"routeKey":"$context.routeKey","status":"$context.status","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage",` +
	`"authorizerError":"$context.authorizer.error","sub":"$context.authorizer.claims.sub","responseLength":"$context.responseLength"}`

// addRoutes creates one route per operation of the four OpenAPI documents,
// integrated with its context's function (payload 2.0), and with the JWT
// authorizer exactly on the operations the documents secure.
func (a *httpAPI) addRoutes(stack awscdk.Stack, fns *functions, issuer *string) error {
	all, err := ContextRoutes()
	if err != nil {
		return err
	}
	authorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("Jwt"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			AuthorizerName: jsii.String("accounts-jwt"),
			JwtAudience:    &[]*string{jsii.String(Audience)},
			IdentitySource: &[]*string{jsii.String("$request.header.Authorization")},
		})
	for _, role := range Roles {
		routes, ok := all[role]
		if !ok {
			continue
		}
		integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(pascal(role)+"Integration"),
			fns.byRole[role], &awsapigatewayv2integrations.HttpLambdaIntegrationProps{
				PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
			})
		for _, r := range routes {
			props := &awsapigatewayv2.HttpRouteProps{
				HttpApi:     a.api,
				RouteKey:    awsapigatewayv2.HttpRouteKey_With(jsii.String(r.Path), awsapigatewayv2.HttpMethod(r.Method)),
				Integration: integration,
			}
			if r.Secured {
				props.Authorizer = authorizer
			}
			route := awsapigatewayv2.NewHttpRoute(stack, jsii.String("Route "+routeID(r.Key())), props)
			if !r.Secured {
				suppressPublicRoute(route, r.Key())
			}
			a.routes[r.Key()] = route
		}
	}
	return nil
}

// domain is the API endpoint's host name, for CloudFront's origin:
// "https://abc.execute-api.region.amazonaws.com" -> its third "/" field.
func (a *httpAPI) domain() *string {
	return awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), a.api.ApiEndpoint(), nil))
}

// routeID makes a route key readable as a construct id.
func routeID(key string) string { return strings.ReplaceAll(key, "/", "_") }
