module example.com/quartet/infra/local

go 1.26.0

require (
	example.com/quartet/packages/apigwevent v0.0.0
	example.com/quartet/packages/apispec v0.0.0
	example.com/quartet/packages/apitest v0.0.0
	example.com/quartet/packages/embeddedferret v0.0.0
	example.com/quartet/packages/embeddedmysql v0.0.0
	example.com/quartet/packages/embeddedpg v0.0.0
	example.com/quartet/packages/event v0.0.0
	example.com/quartet/packages/lambdahttp v0.0.0
	example.com/quartet/packages/lambdarie v0.0.0-00010101000000-000000000000
	example.com/quartet/packages/pgtest v0.0.0
	example.com/quartet/packages/redact v0.0.0
	example.com/quartet/packages/testenv v0.0.0
	example.com/quartet/services/accounts v0.0.0
	example.com/quartet/services/catalog v0.0.0
	example.com/quartet/services/orders v0.0.0
	example.com/quartet/services/reviews v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/go-sql-driver/mysql v1.10.1
	github.com/golang-jwt/jwt/v5 v5.3.1
	go.etcd.io/bbolt v1.4.3
)

require (
	example.com/quartet/packages/eventbus v0.0.0 // indirect
	example.com/quartet/packages/lambdacreds v0.0.0 // indirect
	example.com/quartet/packages/optimistic v0.0.0 // indirect
	example.com/quartet/packages/outbox v0.0.0 // indirect
	example.com/quartet/packages/page v0.0.0 // indirect
	github.com/aws/aws-sdk-go-v2/service/eventbridge v1.55.11 // indirect
)

require (
	example.com/quartet/packages/awsconfig v0.0.0 // indirect
	example.com/quartet/packages/budget v0.0.0 // indirect
	example.com/quartet/packages/dynamolocal v0.0.0
	example.com/quartet/packages/etag v0.0.0 // indirect
	example.com/quartet/packages/faultproxy v0.0.0
	example.com/quartet/packages/httpjson v0.0.0 // indirect
	example.com/quartet/packages/httproute v0.0.0 // indirect
	example.com/quartet/packages/identity v0.0.0 // indirect
	example.com/quartet/packages/mysqltest v0.0.0
	example.com/quartet/packages/mysqlx v0.0.0
	example.com/quartet/packages/problem v0.0.0
	example.com/quartet/packages/requestlog v0.0.0 // indirect
	example.com/quartet/packages/unavailable v0.0.0
	example.com/quartet/packages/validation v0.0.0 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/AlekSi/pointer v1.2.0 // indirect
	github.com/FerretDB/FerretDB v1.24.2 // indirect
	github.com/FerretDB/wire v0.0.8 // indirect
	github.com/SAP/go-hdb v1.13.6 // indirect
	github.com/aws/aws-sdk-go-v2 v1.48.0 // indirect
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
	github.com/aws/aws-sdk-go-v2/service/secretsmanager v1.50.11 // indirect
	github.com/aws/aws-sdk-go-v2/service/signin v1.13.1 // indirect
	github.com/aws/aws-sdk-go-v2/service/sso v1.39.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.44.5 // indirect
	github.com/aws/aws-sdk-go-v2/service/sts v1.52.0 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cenkalti/backoff/v5 v5.0.2 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dolthub/flatbuffers/v23 v23.3.3-dh.2 // indirect
	github.com/dolthub/go-icu-regex v0.0.0-20250327004329-6799764f2dad // indirect
	github.com/dolthub/go-mysql-server v0.20.0 // indirect
	github.com/dolthub/jsonpath v0.0.2-0.20240227200619-19675ab05c71 // indirect
	github.com/dolthub/vitess v0.0.0-20250512224608-8fb9c6ea092c // indirect
	github.com/dustin/go-humanize v1.0.1 // indirect
	github.com/fergusstrange/embedded-postgres v1.34.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-kit/kit v0.10.0 // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/golang/snappy v0.0.4 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.26.3 // indirect
	github.com/hashicorp/golang-lru v0.5.4 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/jackc/pgerrcode v0.0.0-20240316143900-6e2875d9b438 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/lestrrat-go/strftime v1.0.4 // indirect
	github.com/lib/pq v1.10.9 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/montanaflynn/stats v0.7.1 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/ncruces/go-strftime v0.1.9 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/prometheus/client_golang v1.22.0 // indirect
	github.com/prometheus/client_model v0.6.2 // indirect
	github.com/prometheus/common v0.64.0 // indirect
	github.com/prometheus/procfs v0.15.1 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/shopspring/decimal v1.3.1 // indirect
	github.com/sirupsen/logrus v1.9.4 // indirect
	github.com/tetratelabs/wazero v1.8.2 // indirect
	github.com/truora/minidyn v0.8.2 // indirect
	github.com/xdg-go/scram v1.4.0 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
	github.com/xi2/xz v0.0.0-20171230120015-48954b6210f8 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	go.mongodb.org/mongo-driver v1.17.3 // indirect
	go.mongodb.org/mongo-driver/v2 v2.10.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.43.0 // indirect
	go.opentelemetry.io/otel/exporters/otlp/otlptrace v1.36.0 // indirect
	go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp v1.36.0 // indirect
	go.opentelemetry.io/otel/metric v1.43.0 // indirect
	go.opentelemetry.io/otel/sdk v1.43.0 // indirect
	go.opentelemetry.io/otel/trace v1.43.0 // indirect
	go.opentelemetry.io/proto/otlp v1.6.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/exp v0.0.0-20250506013437-ce4c2cf36ca6 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/telemetry v0.0.0-20261009151841-97e8ea77aa2a // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20250519155744-55703ea1f237 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20250519155744-55703ea1f237 // indirect
	google.golang.org/grpc v1.72.1 // indirect
	google.golang.org/protobuf v1.36.6 // indirect
	gopkg.in/src-d/go-errors.v1 v1.0.0 // indirect
	modernc.org/gc/v3 v3.0.0-20240107210532-573471604cb6 // indirect
	modernc.org/libc v1.55.3 // indirect
	modernc.org/mathutil v1.6.0 // indirect
	modernc.org/memory v1.8.0 // indirect
	modernc.org/sqlite v1.32.0 // indirect
	modernc.org/strutil v1.2.0 // indirect
	modernc.org/token v1.1.0 // indirect
)

// See go.work: go-mysql-server (embeddedmysql) pins a genproto from before
// googleapis/rpc became a module of its own; next to FerretDB's newer grpc
// (embeddedferret) the build fails with "ambiguous import" without this.
replace google.golang.org/genproto v0.0.0-20230110181048-76db0878b65f => google.golang.org/genproto v0.0.0-20250519155744-55703ea1f237

replace (
	example.com/quartet/packages/apigwevent => ../../packages/apigwevent
	example.com/quartet/packages/apispec => ../../packages/apispec
	example.com/quartet/packages/apitest => ../../packages/apitest
	example.com/quartet/packages/archtest => ../../packages/archtest
	example.com/quartet/packages/awsconfig => ../../packages/awsconfig
	example.com/quartet/packages/benchratio => ../../packages/benchratio
	example.com/quartet/packages/budget => ../../packages/budget
	example.com/quartet/packages/dynamolocal => ../../packages/dynamolocal
	example.com/quartet/packages/embeddedferret => ../../packages/embeddedferret
	example.com/quartet/packages/embeddedmysql => ../../packages/embeddedmysql
	example.com/quartet/packages/embeddedpg => ../../packages/embeddedpg
	example.com/quartet/packages/etag => ../../packages/etag
	example.com/quartet/packages/faultproxy => ../../packages/faultproxy
	example.com/quartet/packages/httpjson => ../../packages/httpjson
	example.com/quartet/packages/httproute => ../../packages/httproute
	example.com/quartet/packages/identity => ../../packages/identity
	example.com/quartet/packages/lambdahttp => ../../packages/lambdahttp
	example.com/quartet/packages/lambdarie => ../../packages/lambdarie
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

replace example.com/quartet/packages/lambdacreds => ../../packages/lambdacreds

replace example.com/quartet/packages/event => ../../packages/event

replace example.com/quartet/packages/outbox => ../../packages/outbox

replace example.com/quartet/packages/eventbus => ../../packages/eventbus
