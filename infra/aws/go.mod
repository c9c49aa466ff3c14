module example.com/quartet/infra/aws

go 1.26.0

require (
	example.com/quartet/packages/budget v0.0.0 // indirect
	example.com/quartet/packages/etag v0.0.0 // indirect
	example.com/quartet/packages/httpjson v0.0.0 // indirect
	example.com/quartet/packages/httproute v0.0.0 // indirect
	example.com/quartet/packages/identity v0.0.0 // indirect
	example.com/quartet/packages/lambdahttp v0.0.0 // indirect
	example.com/quartet/packages/mysqlx v0.0.0 // indirect
	example.com/quartet/packages/optimistic v0.0.0 // indirect
	example.com/quartet/packages/page v0.0.0 // indirect
	example.com/quartet/packages/problem v0.0.0 // indirect
	example.com/quartet/packages/redact v0.0.0 // indirect
	example.com/quartet/packages/requestlog v0.0.0 // indirect
	example.com/quartet/packages/unavailable v0.0.0 // indirect
	example.com/quartet/packages/validation v0.0.0 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/aws/aws-sdk-go-v2/config v1.33.18 // indirect
	github.com/aws/aws-sdk-go-v2/credentials v1.21.0 // indirect
	github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue v1.21.21 // indirect
	github.com/aws/aws-sdk-go-v2/feature/ec2/imds v1.20.9 // indirect
	github.com/aws/aws-sdk-go-v2/feature/rds/auth v1.7.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/dynamodb v1.74.0 // indirect
	github.com/aws/aws-sdk-go-v2/service/dynamodbstreams v1.47.0 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/endpoint-discovery v1.13.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/signin v1.13.1 // indirect
	github.com/aws/aws-sdk-go-v2/service/sso v1.39.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.44.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/sts v1.52.0 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2 v2.2.292 // indirect
	github.com/cdklabs/awscdk-asset-node-proxy-agent-go/nodeproxyagentv6/v2 v2.1.3 // indirect
	github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v55 v55.3.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/go-sql-driver/mysql v1.10.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/xdg-go/scram v1.4.0 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	github.com/yuin/goldmark v1.7.16 // indirect
	go.mongodb.org/mongo-driver/v2 v2.10.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/lint v0.0.0-20241112194109-818c5a804067 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/telemetry v0.0.0-20261009151841-97e8ea77aa2a // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	golang.org/x/tools/cmd/godoc v0.1.0-deprecated // indirect
	golang.org/x/tools/godoc v0.1.0-deprecated // indirect
)

require (
	example.com/quartet/packages/apispec v0.0.0
	example.com/quartet/packages/awsconfig v0.0.0
	example.com/quartet/services/accounts v0.0.0
	example.com/quartet/services/catalog v0.0.0
	example.com/quartet/services/orders v0.0.0
	example.com/quartet/services/reviews v0.0.0
	github.com/aws/aws-cdk-go/awscdk/v2 v2.276.0
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/service/secretsmanager v1.50.11
	github.com/aws/constructs-go/constructs/v10 v10.8.1
	github.com/aws/jsii-runtime-go v1.142.0
	github.com/cdklabs/cdk-nag-go/cdknag/v2 v2.38.2
)

replace google.golang.org/genproto v0.0.0-20230110181048-76db0878b65f => google.golang.org/genproto v0.0.0-20250519155744-55703ea1f237

replace (
	example.com/quartet/packages/apigwevent => ../../packages/apigwevent
	example.com/quartet/packages/apispec => ../../packages/apispec
	example.com/quartet/packages/apitest => ../../packages/apitest
	example.com/quartet/packages/archtest => ../../packages/archtest
	example.com/quartet/packages/awsconfig => ../../packages/awsconfig
	example.com/quartet/packages/benchratio => ../../packages/benchratio
	example.com/quartet/packages/budget => ../../packages/budget
	example.com/quartet/packages/embeddedferret => ../../packages/embeddedferret
	example.com/quartet/packages/embeddedmysql => ../../packages/embeddedmysql
	example.com/quartet/packages/embeddedpg => ../../packages/embeddedpg
	example.com/quartet/packages/etag => ../../packages/etag
	example.com/quartet/packages/httpjson => ../../packages/httpjson
	example.com/quartet/packages/httproute => ../../packages/httproute
	example.com/quartet/packages/identity => ../../packages/identity
	example.com/quartet/packages/lambdahttp => ../../packages/lambdahttp
	example.com/quartet/packages/mysqltest => ../../packages/mysqltest
	example.com/quartet/packages/mysqlx => ../../packages/mysqlx
	example.com/quartet/packages/optimistic => ../../packages/optimistic
	example.com/quartet/packages/page => ../../packages/page
	example.com/quartet/packages/pgtest => ../../packages/pgtest
	example.com/quartet/packages/problem => ../../packages/problem
	example.com/quartet/packages/redact => ../../packages/redact
	example.com/quartet/packages/requestlog => ../../packages/requestlog
	example.com/quartet/packages/testenv => ../../packages/testenv
	example.com/quartet/packages/unavailable => ../../packages/unavailable
	example.com/quartet/packages/validation => ../../packages/validation
	example.com/quartet/services/accounts => ../../services/accounts
	example.com/quartet/services/catalog => ../../services/catalog
	example.com/quartet/services/orders => ../../services/orders
	example.com/quartet/services/reviews => ../../services/reviews
)
