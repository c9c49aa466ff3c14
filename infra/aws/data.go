package quartet

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"example.com/quartet/services/orders/table"
)

// Catalog database sizing. The connection budget, for PostgreSQL (Aurora
// sets max_connections from the maximum capacity: LEAST(memory/9531392,
// 5000) with 2 GiB per ACU):
//
//	disposable: max 2 ACU -> max_connections ~450; the proxy may use 50 % -> ~225.
//	            catalog: reserved concurrency 20 x pool 2 = 40 client connections.
//	durable:    max 8 ACU -> max_connections ~1800; 50 % -> ~900.
//	            catalog: reserved concurrency 200 x pool 2 = 400 client connections.
//
// The proxy multiplexes client connections over its database connections
// (catalog's pgx runs in exec mode so that it does not pin them), so even
// fully pinned the catalog functions stay inside the proxy's share; the
// other half is left for the migration function, the console and
// maintenance.
type dbSizing struct {
	minACU, maxACU     float64
	catalogConcurrency float64
	backupDays         float64
}

const (
	// catalogPoolSize is pool_max_conns in catalog's DATABASE_URL: one
	// Lambda execution environment serves one request at a time.
	catalogPoolSize = 2
	// proxyMaxConnectionsPercent is the share of max_connections the proxy
	// may open.
	proxyMaxConnectionsPercent = 50
)

func sizing(s Stage) dbSizing {
	if s.Durable() {
		return dbSizing{minACU: 0.5, maxACU: 8, catalogConcurrency: 200, backupDays: 14}
	}
	// Min 0 ACU: the database pauses after 5 idle minutes and costs
	// storage only; the first request after a pause waits ~15 s.
	return dbSizing{minACU: 0, maxACU: 2, catalogConcurrency: 20, backupDays: 1}
}

// data is the stage's stores and secrets.
type data struct {
	table awsdynamodb.Table

	vpc        awsec2.Vpc
	catalogSG  awsec2.SecurityGroup // catalog's functions, the only ones in the VPC
	cluster    awsrds.DatabaseCluster
	proxy      awsrds.DatabaseProxy
	dbUser     string
	dbName     string
	dbPort     float64
	dbEngine   string
	dbSizing   dbSizing
	mongoURI   awssecretsmanager.ISecret
	accountsDB awssecretsmanager.ISecret
	signing    awssecretsmanager.ISecret
}

func newData(stack awscdk.Stack, props Props) *data {
	s := props.Stage
	d := &data{dbUser: "catalog", dbName: "catalog", dbEngine: props.CatalogEngine, dbSizing: sizing(s)}
	d.table = newOrdersTable(stack, s)
	d.newCatalogDatabase(stack, props)

	// Secrets written outside the stack, before the first deploy (see
	// docs/deploy.md): the accounts DSN by `make db-branch` (cmd/pscale),
	// the signing keys and the Mongo URI by `make secrets`. The stack only
	// references them by name, so that a deploy never overwrites them and
	// the functions can read them at their first start.
	d.accountsDB = awssecretsmanager.Secret_FromSecretNameV2(stack, jsii.String("AccountsDatabaseUrl"),
		jsii.String(s.SecretName("accounts", "database-url")))
	d.signing = awssecretsmanager.Secret_FromSecretNameV2(stack, jsii.String("AccountsSigningKeys"),
		jsii.String(s.SecretName("accounts", "signing-keys")))
	d.mongoURI = awssecretsmanager.Secret_FromSecretNameV2(stack, jsii.String("ReviewsMongoUri"),
		jsii.String(s.SecretName("reviews", "mongodb-uri")))
	return d
}

// newOrdersTable creates the orders table from its one definition,
// services/orders/table: on demand, point-in-time recovery, TTL.
func newOrdersTable(stack awscdk.Stack, s Stage) awsdynamodb.Table {
	def := table.Orders
	str := awsdynamodb.AttributeType_STRING
	billing := awsdynamodb.BillingMode_PROVISIONED
	if def.OnDemand {
		billing = awsdynamodb.BillingMode_PAY_PER_REQUEST
	}
	t := awsdynamodb.NewTable(stack, jsii.String("OrdersTable"), &awsdynamodb.TableProps{
		TableName:           jsii.String(s.Name("orders")),
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(def.Key.Partition), Type: str},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String(def.Key.Sort), Type: str},
		BillingMode:         billing,
		TimeToLiveAttribute: jsii.String(def.TTLAttribute),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(s.Durable()),
		RemovalPolicy:      removalPolicy(s),
		Encryption:         awsdynamodb.TableEncryption_AWS_MANAGED,
	})
	for _, ix := range def.Indexes {
		t.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(ix.Key.Partition), Type: str},
			SortKey:        &awsdynamodb.Attribute{Name: jsii.String(ix.Key.Sort), Type: str},
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return t
}

// newCatalogDatabase creates the VPC (isolated subnets only: no NAT
// gateway, no internet gateway, and no interface endpoint, because catalog
// reaches nothing but the proxy: it signs its IAM token locally), the
// Aurora Serverless v2 cluster and the RDS Proxy in front of it.
func (d *data) newCatalogDatabase(stack awscdk.Stack, props Props) {
	s := props.Stage
	policy := removalPolicy(s)
	d.vpc = awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		VpcName:     jsii.String(s.Name("vpc")),
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name: jsii.String("isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24),
		}},
		RestrictDefaultSecurityGroup: jsii.Bool(true),
	})
	flowLogs := awslogs.NewLogGroup(stack, jsii.String("VpcFlowLogs"), &awslogs.LogGroupProps{
		Retention: logRetention(s), RemovalPolicy: policy,
	})
	d.vpc.AddFlowLog(jsii.String("FlowLog"), &awsec2.FlowLogOptions{
		Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(flowLogs, nil),
		TrafficType: awsec2.FlowLogTrafficType_REJECT,
	})
	isolated := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}

	d.catalogSG = awsec2.NewSecurityGroup(stack, jsii.String("CatalogFunctions"), &awsec2.SecurityGroupProps{
		Vpc: d.vpc, Description: jsii.String("catalog functions: out to the database proxy only"), AllowAllOutbound: jsii.Bool(false),
	})
	proxySG := awsec2.NewSecurityGroup(stack, jsii.String("CatalogProxy"), &awsec2.SecurityGroupProps{
		Vpc: d.vpc, Description: jsii.String("catalog database proxy"), AllowAllOutbound: jsii.Bool(false),
	})
	dbSG := awsec2.NewSecurityGroup(stack, jsii.String("CatalogDatabase"), &awsec2.SecurityGroupProps{
		Vpc: d.vpc, Description: jsii.String("catalog database"), AllowAllOutbound: jsii.Bool(false),
	})

	var engine awsrds.IClusterEngine
	var logs []*string
	if d.dbEngine == EngineMySQL {
		d.dbPort = 3306
		engine = awsrds.DatabaseClusterEngine_AuroraMysql(&awsrds.AuroraMysqlClusterEngineProps{
			Version: awsrds.AuroraMysqlEngineVersion_VER_3_10_4(),
		})
		logs = []*string{jsii.String("error"), jsii.String("slowquery")}
	} else {
		d.dbPort = 5432
		engine = awsrds.DatabaseClusterEngine_AuroraPostgres(&awsrds.AuroraPostgresClusterEngineProps{
			Version: awsrds.AuroraPostgresEngineVersion_VER_17_5(),
		})
		logs = []*string{jsii.String("postgresql")}
	}
	port := awsec2.Port_Tcp(jsii.Number(d.dbPort))
	d.catalogSG.AddEgressRule(proxySG, port, jsii.String("to the proxy"), nil)
	proxySG.AddIngressRule(d.catalogSG, port, jsii.String("from catalog functions"), nil)
	proxySG.AddEgressRule(dbSG, port, jsii.String("to the database"), nil)
	dbSG.AddIngressRule(proxySG, port, jsii.String("from the proxy"), nil)

	size := d.dbSizing
	var autoPause awscdk.Duration
	if size.minACU == 0 {
		autoPause = awscdk.Duration_Minutes(jsii.Number(5))
	}
	d.cluster = awsrds.NewDatabaseCluster(stack, jsii.String("CatalogCluster"), &awsrds.DatabaseClusterProps{
		Engine:            engine,
		ClusterIdentifier: jsii.String(s.Name("catalog")),
		Writer: awsrds.ClusterInstance_ServerlessV2(jsii.String("writer"), &awsrds.ServerlessV2ClusterInstanceProps{
			AutoMinorVersionUpgrade: jsii.Bool(true),
		}),
		ServerlessV2MinCapacity:       jsii.Number(size.minACU),
		ServerlessV2MaxCapacity:       jsii.Number(size.maxACU),
		ServerlessV2AutoPauseDuration: autoPause,
		Credentials: awsrds.Credentials_FromGeneratedSecret(jsii.String(d.dbUser), &awsrds.CredentialsBaseOptions{
			SecretName: jsii.String(s.SecretName("catalog", "database-admin")),
		}),
		DefaultDatabaseName:   jsii.String(d.dbName),
		Vpc:                   d.vpc,
		VpcSubnets:            isolated,
		SecurityGroups:        &[]awsec2.ISecurityGroup{dbSG},
		StorageEncrypted:      jsii.Bool(true),
		IamAuthentication:     jsii.Bool(true),
		DeletionProtection:    jsii.Bool(s.Durable()),
		RemovalPolicy:         policy,
		Backup:                &awsrds.BackupProps{Retention: awscdk.Duration_Days(jsii.Number(size.backupDays))},
		CloudwatchLogsExports: &logs,
		CopyTagsToSnapshot:    jsii.Bool(true),
	})
	// The generated admin secret follows the stage's removal policy too
	// (cluster.Secret() is the attachment, not the secret itself).
	awscdk.RemovalPolicies_Of(d.cluster).Apply(policy, &awscdk.RemovalPolicyProps{
		ApplyToResourceTypes: &[]*string{jsii.String("AWS::SecretsManager::Secret")},
	})
	d.proxy = d.cluster.AddProxy(jsii.String("Proxy"), &awsrds.DatabaseProxyOptions{
		DbProxyName:           jsii.String(s.Name("catalog")),
		Secrets:               &[]awssecretsmanager.ISecret{d.cluster.Secret()},
		Vpc:                   d.vpc,
		VpcSubnets:            isolated,
		SecurityGroups:        &[]awsec2.ISecurityGroup{proxySG},
		IamAuth:               jsii.Bool(true),
		RequireTLS:            jsii.Bool(true),
		MaxConnectionsPercent: jsii.Number(proxyMaxConnectionsPercent),
		BorrowTimeout:         awscdk.Duration_Seconds(jsii.Number(5)),
		DebugLogging:          jsii.Bool(false),
	})
}

// catalogDatabaseURL is catalog's DATABASE_URL: the proxy, TLS, the IAM
// user and no password (catalog signs a token per connection,
// DATABASE_IAM_AUTH). For PostgreSQL, default_query_exec_mode=exec makes
// pgx send each query as an unnamed extended-protocol statement with no
// server-side prepared statement left behind, which the proxy can
// multiplex; the default (cache_statement) prepares named statements and
// pins every session.
func (d *data) catalogDatabaseURL() *string {
	host := d.proxy.Endpoint()
	if d.dbEngine == EngineMySQL {
		return awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String(d.dbUser + "@tcp("), host, jsii.String(":3306)/" + d.dbName + "?tls=true&allowCleartextPasswords=true"),
		})
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("postgres://" + d.dbUser + "@"), host,
		jsii.String(":5432/" + d.dbName + "?sslmode=verify-full&default_query_exec_mode=exec&pool_max_conns=" + strconv.Itoa(catalogPoolSize)),
	})
}

func logRetention(s Stage) awslogs.RetentionDays {
	if s.Durable() {
		return awslogs.RetentionDays_THREE_MONTHS
	}
	return awslogs.RetentionDays_TWO_WEEKS
}
