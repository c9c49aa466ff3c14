module example.com/quartet/infra/local

go 1.26

require (
	example.com/quartet/packages/apispec v0.0.0
	example.com/quartet/packages/embeddedpg v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/pgtest v0.0.0
	example.com/quartet/services/catalog v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
	github.com/golang-jwt/jwt/v5 v5.3.1
)

require (
	example.com/quartet/packages/httpjson v0.0.0 // indirect
	example.com/quartet/packages/identity v0.0.0 // indirect
	example.com/quartet/packages/problem v0.0.0 // indirect
	example.com/quartet/packages/requestlog v0.0.0 // indirect
	example.com/quartet/packages/testenv v0.0.0 // indirect
	github.com/fergusstrange/embedded-postgres v1.34.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/lib/pq v1.10.9 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/xi2/xz v0.0.0-20171230120015-48954b6210f8 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace (
	example.com/quartet/packages/apispec => ../../packages/apispec
	example.com/quartet/packages/embeddedpg => ../../packages/embeddedpg
	example.com/quartet/packages/httpjson => ../../packages/httpjson
	example.com/quartet/packages/identity => ../../packages/identity
	example.com/quartet/packages/lambdahttp => ../../packages/lambdahttp
	example.com/quartet/packages/pgtest => ../../packages/pgtest
	example.com/quartet/packages/problem => ../../packages/problem
	example.com/quartet/packages/requestlog => ../../packages/requestlog
	example.com/quartet/packages/testenv => ../../packages/testenv
	example.com/quartet/services/catalog => ../../services/catalog
)
