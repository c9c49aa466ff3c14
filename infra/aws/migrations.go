package quartet

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/triggers"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newMigrations runs the catalog migrations (in the VPC, through the
// proxy) and the reviews index creation during every deploy, after the
// database and before the API functions are updated. A trigger invokes its
// function synchronously (RequestResponse) and fails the deployment, which
// CloudFormation rolls back, when the function returns an error.
//
// A trigger re-runs when its properties change; DeployID (make deploy
// passes a timestamp) is one of them, so the migrations run on every
// deploy and not only when their binary changes. Accounts' schema is not
// here: it goes through the PlanetScale branch flow (make db-branch), which
// make deploy runs first.
func newMigrations(stack awscdk.Stack, props Props, d *data, fns *functions) {
	catalog := triggers.NewTrigger(stack, jsii.String("CatalogMigrations"), &triggers.TriggerProps{
		Handler:                fns.byRole[RoleCatalogMigrate],
		InvocationType:         triggers.InvocationType_REQUEST_RESPONSE,
		Timeout:                awscdk.Duration_Seconds(jsii.Number(functionSpecs[RoleCatalogMigrate].timeout)),
		ExecuteOnHandlerChange: jsii.Bool(true),
		ExecuteAfter:           &[]constructs.Construct{d.cluster, d.proxy},
		ExecuteBefore:          &[]constructs.Construct{fns.byRole[RoleCatalog]},
	})
	reviews := triggers.NewTrigger(stack, jsii.String("ReviewsMigrations"), &triggers.TriggerProps{
		Handler:                fns.byRole[RoleReviewsMigrate],
		InvocationType:         triggers.InvocationType_REQUEST_RESPONSE,
		Timeout:                awscdk.Duration_Seconds(jsii.Number(functionSpecs[RoleReviewsMigrate].timeout)),
		ExecuteOnHandlerChange: jsii.Bool(true),
		ExecuteBefore:          &[]constructs.Construct{fns.byRole[RoleReviews]},
	})
	if props.DeployID != "" {
		for _, t := range []triggers.Trigger{catalog, reviews} {
			resource := t.Node().FindChild(jsii.String("Default")).Node().DefaultChild().(awscdk.CfnResource)
			resource.AddPropertyOverride(jsii.String("DeployId"), props.DeployID)
		}
	}
}
