module example.com/quartet/services/catalog

go 1.26

require (
	example.com/quartet/packages/apispec v0.0.0
	example.com/quartet/packages/apitest v0.0.0
	example.com/quartet/packages/archtest v0.0.0
	example.com/quartet/packages/benchratio v0.0.0
	example.com/quartet/packages/event v0.0.0
	example.com/quartet/packages/eventbus v0.0.0
	example.com/quartet/packages/httpjson v0.0.0
	example.com/quartet/packages/httproute v0.0.0
	example.com/quartet/packages/identity v0.0.0
	example.com/quartet/packages/lambdacreds v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/mysqltest v0.0.0
	example.com/quartet/packages/mysqlx v0.0.0
	example.com/quartet/packages/outbox v0.0.0
	example.com/quartet/packages/page v0.0.0
	example.com/quartet/packages/pgtest v0.0.0
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0
	example.com/quartet/packages/unavailable v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/credentials v1.21.0
	github.com/aws/aws-sdk-go-v2/feature/rds/auth v1.7.12
	github.com/go-sql-driver/mysql v1.10.1
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.12.0
)

require (
	example.com/quartet/packages/awsconfig v0.0.0 // indirect
	example.com/quartet/packages/embeddedmysql v0.0.0 // indirect
	example.com/quartet/packages/optimistic v0.0.0 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/eventbridge v1.55.11 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dolthub/flatbuffers/v23 v23.3.3-dh.2 // indirect
	github.com/dolthub/go-icu-regex v0.0.0-20250327004329-6799764f2dad // indirect
	github.com/dolthub/go-mysql-server v0.20.0 // indirect
	github.com/dolthub/jsonpath v0.0.2-0.20240227200619-19675ab05c71 // indirect
	github.com/dolthub/vitess v0.0.0-20250512224608-8fb9c6ea092c // indirect
	github.com/go-kit/kit v0.10.0 // indirect
	github.com/hashicorp/golang-lru v0.5.4 // indirect
	github.com/lestrrat-go/strftime v1.0.4 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/shopspring/decimal v1.3.1 // indirect
	github.com/sirupsen/logrus v1.8.1 // indirect
	github.com/tetratelabs/wazero v1.8.2 // indirect
	go.opentelemetry.io/otel v1.34.0 // indirect
	go.opentelemetry.io/otel/trace v1.34.0 // indirect
	golang.org/x/mod v0.38.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/telemetry v0.0.0-20260708182218-49f421fb7959 // indirect
	golang.org/x/tools v0.48.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20250512202823-5a2f75b736a9 // indirect
	google.golang.org/grpc v1.72.0 // indirect
	google.golang.org/protobuf v1.36.6 // indirect
	gopkg.in/src-d/go-errors.v1 v1.0.0 // indirect
)

require (
	example.com/quartet/packages/apigwevent v0.0.0 // indirect
	example.com/quartet/packages/budget v0.0.0
	example.com/quartet/packages/embeddedpg v0.0.0 // indirect
	example.com/quartet/packages/etag v0.0.0
	example.com/quartet/packages/testenv v0.0.0
	example.com/quartet/packages/validation v0.0.0
	github.com/fergusstrange/embedded-postgres v1.34.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
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
	example.com/quartet/packages/apitest => ../../packages/apitest
	example.com/quartet/packages/archtest => ../../packages/archtest
	example.com/quartet/packages/benchratio => ../../packages/benchratio
	example.com/quartet/packages/embeddedmysql => ../../packages/embeddedmysql
	example.com/quartet/packages/embeddedpg => ../../packages/embeddedpg
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
	example.com/quartet/packages/requestlog => ../../packages/requestlog
	example.com/quartet/packages/testenv => ../../packages/testenv
)

replace example.com/quartet/packages/validation => ../../packages/validation

replace example.com/quartet/packages/apigwevent => ../../packages/apigwevent

replace example.com/quartet/packages/etag => ../../packages/etag

replace example.com/quartet/packages/unavailable => ../../packages/unavailable

replace example.com/quartet/packages/budget => ../../packages/budget

replace example.com/quartet/packages/lambdacreds => ../../packages/lambdacreds

replace example.com/quartet/packages/event => ../../packages/event

replace example.com/quartet/packages/outbox => ../../packages/outbox

replace example.com/quartet/packages/eventbus => ../../packages/eventbus

replace example.com/quartet/packages/awsconfig => ../../packages/awsconfig
