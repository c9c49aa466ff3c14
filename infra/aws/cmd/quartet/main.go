// Command quartet is the CDK app of Quartet: the stack of one stage, with
// cdk-nag's AwsSolutions checks. The CDK CLI runs it (infra/aws/cdk.json):
//
//	make synth STAGE=dev            # or diff, deploy, destroy
//	cdk synth -c stage=dev -c catalogEngine=mysql
//
// Context: stage (required), catalogEngine (postgres or mysql), binDir
// (default ../../bin), webDir (default ../../web/dist), deployId (set by
// make deploy so that migrations run on every deploy).
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	quartet "example.com/quartet/infra/aws"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quartet:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	ctx := func(key, def string) string {
		if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		return def
	}
	stage, err := quartet.ParseStage(ctx("stage", ""))
	if err != nil {
		return fmt.Errorf("-c stage=NAME: %w", err)
	}
	if _, err := quartet.NewStack(app, quartet.Props{
		Stage:         stage,
		CatalogEngine: ctx("catalogEngine", quartet.EnginePostgres),
		BinDir:        ctx("binDir", "../../bin"),
		WebDir:        ctx("webDir", "../../web/dist"),
		DeployID:      ctx("deployId", ""),
	}); err != nil {
		return err
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	app.Synth(nil)
	return nil
}
