module example.com/quartet/packages/apitest

go 1.26

require (
	example.com/quartet/packages/apigwevent v0.0.0
	example.com/quartet/packages/apispec v0.0.0
	example.com/quartet/packages/etag v0.0.0
	example.com/quartet/packages/httpjson v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/problem v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/getkin/kin-openapi v0.153.0
)

require (
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	example.com/quartet/packages/validation v0.0.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)

replace (
	example.com/quartet/packages/apigwevent => ../apigwevent
	example.com/quartet/packages/apispec => ../apispec
	example.com/quartet/packages/etag => ../etag
	example.com/quartet/packages/httpjson => ../httpjson
	example.com/quartet/packages/lambdahttp => ../lambdahttp
	example.com/quartet/packages/problem => ../problem
	example.com/quartet/packages/unavailable => ../unavailable
	example.com/quartet/packages/validation => ../validation
)
