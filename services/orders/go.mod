module example.com/quartet/services/orders

go 1.26

require (
	example.com/quartet/packages/apitest v0.0.0
	example.com/quartet/packages/archtest v0.0.0
	example.com/quartet/packages/benchratio v0.0.0
	example.com/quartet/packages/event v0.0.0
	example.com/quartet/packages/httpjson v0.0.0
	example.com/quartet/packages/identity v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/optimistic v0.0.0
	example.com/quartet/packages/page v0.0.0
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
	example.com/quartet/packages/unavailable v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue v1.21.21
	github.com/aws/aws-sdk-go-v2/service/dynamodb v1.74.0
	github.com/google/uuid v1.6.0
	github.com/truora/minidyn v0.8.2
)

require (
	example.com/quartet/packages/lambdacreds v0.0.0-00010101000000-000000000000 // indirect
	example.com/quartet/packages/testenv v0.0.0 // indirect
	github.com/aws/aws-sdk-go-v2/config v1.33.18 // indirect
	github.com/aws/aws-sdk-go-v2/credentials v1.21.0 // indirect
)

require (
	example.com/quartet/packages/apigwevent v0.0.0 // indirect
	example.com/quartet/packages/apispec v0.0.0 // indirect
	example.com/quartet/packages/awsconfig v0.0.0
	example.com/quartet/packages/budget v0.0.0
	example.com/quartet/packages/dynamolocal v0.0.0
	example.com/quartet/packages/eventbus v0.0.0
	example.com/quartet/packages/httproute v0.0.0
	example.com/quartet/packages/outbox v0.0.0
	example.com/quartet/packages/validation v0.0.0
	github.com/aws/aws-sdk-go-v2/feature/ec2/imds v1.20.9 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/dynamodbstreams v1.47.0 // indirect
	github.com/aws/aws-sdk-go-v2/service/eventbridge v1.55.11 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/endpoint-discovery v1.13.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/signin v1.13.1 // indirect
	github.com/aws/aws-sdk-go-v2/service/sso v1.39.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.44.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/sts v1.52.0 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)

replace (
	example.com/quartet/packages/apispec => ../../packages/apispec
	example.com/quartet/packages/apitest => ../../packages/apitest
	example.com/quartet/packages/archtest => ../../packages/archtest
	example.com/quartet/packages/benchratio => ../../packages/benchratio
	example.com/quartet/packages/etag => ../../packages/etag
	example.com/quartet/packages/httpjson => ../../packages/httpjson
	example.com/quartet/packages/identity => ../../packages/identity
	example.com/quartet/packages/lambdahttp => ../../packages/lambdahttp
	example.com/quartet/packages/optimistic => ../../packages/optimistic
	example.com/quartet/packages/page => ../../packages/page
	example.com/quartet/packages/problem => ../../packages/problem
	example.com/quartet/packages/requestlog => ../../packages/requestlog
)

replace example.com/quartet/packages/httproute => ../../packages/httproute

replace example.com/quartet/packages/validation => ../../packages/validation

replace example.com/quartet/packages/apigwevent => ../../packages/apigwevent

replace example.com/quartet/packages/awsconfig => ../../packages/awsconfig

replace example.com/quartet/packages/unavailable => ../../packages/unavailable

replace example.com/quartet/packages/budget => ../../packages/budget

replace example.com/quartet/packages/dynamolocal => ../../packages/dynamolocal

replace example.com/quartet/packages/testenv => ../../packages/testenv

replace example.com/quartet/packages/event => ../../packages/event

replace example.com/quartet/packages/outbox => ../../packages/outbox

replace example.com/quartet/packages/eventbus => ../../packages/eventbus

replace example.com/quartet/packages/lambdacreds => ../../packages/lambdacreds
