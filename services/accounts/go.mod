module example.com/quartet/services/accounts

go 1.26.0

require (
	example.com/quartet/packages/archtest v0.0.0
	example.com/quartet/packages/mysqltest v0.0.0
	example.com/quartet/packages/optimistic v0.0.0
	example.com/quartet/packages/unavailable v0.0.0
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/go-sql-driver/mysql v1.10.1
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/uuid v1.6.0
	golang.org/x/crypto v0.59.0
)

require (
	example.com/quartet/packages/apispec v0.0.0 // indirect
	example.com/quartet/packages/embeddedmysql v0.0.0 // indirect
	example.com/quartet/packages/event v0.0.0 // indirect
	example.com/quartet/packages/testenv v0.0.0 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/aws/aws-sdk-go-v2/feature/ec2/imds v1.20.9 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/signin v1.13.1 // indirect
	github.com/aws/aws-sdk-go-v2/service/sso v1.39.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.44.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/sts v1.52.0 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dolthub/flatbuffers/v23 v23.3.3-dh.2 // indirect
	github.com/dolthub/go-icu-regex v0.0.0-20250327004329-6799764f2dad // indirect
	github.com/dolthub/go-mysql-server v0.20.0 // indirect
	github.com/dolthub/jsonpath v0.0.2-0.20240227200619-19675ab05c71 // indirect
	github.com/dolthub/vitess v0.0.0-20250512224608-8fb9c6ea092c // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-kit/kit v0.10.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/hashicorp/golang-lru v0.5.4 // indirect
	github.com/lestrrat-go/strftime v1.0.4 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/shopspring/decimal v1.3.1 // indirect
	github.com/sirupsen/logrus v1.8.1 // indirect
	github.com/tetratelabs/wazero v1.8.2 // indirect
	go.opentelemetry.io/otel v1.34.0 // indirect
	go.opentelemetry.io/otel/trace v1.34.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/telemetry v0.0.0-20261009151841-97e8ea77aa2a // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto v0.0.0-20230110181048-76db0878b65f // indirect
	google.golang.org/grpc v1.72.0 // indirect
	google.golang.org/protobuf v1.36.6 // indirect
	gopkg.in/src-d/go-errors.v1 v1.0.0 // indirect
)

replace (
	example.com/quartet/packages/mysqltest => ../../packages/mysqltest
	example.com/quartet/packages/redact => ../../packages/redact
	example.com/quartet/packages/testenv => ../../packages/testenv
)

require (
	example.com/quartet/packages/apigwevent v0.0.0 // indirect
	example.com/quartet/packages/apitest v0.0.0-00010101000000-000000000000
	example.com/quartet/packages/awsconfig v0.0.0
	example.com/quartet/packages/benchratio v0.0.0-00010101000000-000000000000
	example.com/quartet/packages/budget v0.0.0
	example.com/quartet/packages/etag v0.0.0
	example.com/quartet/packages/httpjson v0.0.0
	example.com/quartet/packages/httproute v0.0.0
	example.com/quartet/packages/identity v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/mysqlx v0.0.0
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
	example.com/quartet/packages/validation v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/config v1.33.18 // indirect
	github.com/aws/aws-sdk-go-v2/credentials v1.21.0 // indirect
	github.com/aws/aws-sdk-go-v2/service/secretsmanager v1.50.11
)

replace (
	example.com/quartet/packages/apispec => ../../packages/apispec
	example.com/quartet/packages/apitest => ../../packages/apitest
	example.com/quartet/packages/archtest => ../../packages/archtest
	example.com/quartet/packages/benchratio => ../../packages/benchratio
	example.com/quartet/packages/httpjson => ../../packages/httpjson
	example.com/quartet/packages/identity => ../../packages/identity
	example.com/quartet/packages/lambdahttp => ../../packages/lambdahttp
	example.com/quartet/packages/optimistic => ../../packages/optimistic
	example.com/quartet/packages/problem => ../../packages/problem
	example.com/quartet/packages/requestlog => ../../packages/requestlog
)

replace example.com/quartet/packages/httproute => ../../packages/httproute

replace example.com/quartet/packages/mysqlx => ../../packages/mysqlx

replace example.com/quartet/packages/validation => ../../packages/validation

replace example.com/quartet/packages/embeddedmysql => ../../packages/embeddedmysql

replace example.com/quartet/packages/apigwevent => ../../packages/apigwevent

replace example.com/quartet/packages/awsconfig => ../../packages/awsconfig

replace example.com/quartet/packages/etag => ../../packages/etag

replace example.com/quartet/packages/unavailable => ../../packages/unavailable

replace example.com/quartet/packages/budget => ../../packages/budget

replace example.com/quartet/packages/event => ../../packages/event
