package quartet

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Template synthesizes the stack of props in a fresh app and returns its
// CloudFormation template as decoded JSON. It needs neither credentials
// nor network; Node.js must be installed (jsii runs the CDK in it).
func Template(props Props) (map[string]any, error) {
	app := awscdk.NewApp(&awscdk.AppProps{})
	stack, err := NewStack(app, props)
	if err != nil {
		return nil, err
	}
	assembly := app.Synth(nil)
	template, ok := assembly.GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("stack %s: template is not a JSON object", *stack.StackName())
	}
	return template, nil
}

// FunctionEnvironments returns, for each function of a synthesized
// template (by role: RoleCatalog, …, RoleReviewsMigrate), the names of the
// environment variables the template sets on it, sorted. Lambda's own
// variables (AWS_REGION, …) are not in a template and so not in the result.
func FunctionEnvironments(template map[string]any) (map[string][]string, error) {
	resources, _ := template["Resources"].(map[string]any)
	out := map[string][]string{}
	for id, r := range resources {
		res, _ := r.(map[string]any)
		if res["Type"] != "AWS::Lambda::Function" {
			continue
		}
		meta, _ := res["Metadata"].(map[string]any)
		role, _ := meta[RoleMetadata].(string)
		if role == "" {
			continue // a function of the CDK itself (deployments, triggers)
		}
		if _, dup := out[role]; dup {
			return nil, fmt.Errorf("two functions have role %s (one is %s)", role, id)
		}
		props, _ := res["Properties"].(map[string]any)
		env, _ := props["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		names := []string{}
		for name := range vars {
			names = append(names, name)
		}
		slices.Sort(names)
		out[role] = names
	}
	for _, role := range Roles {
		if _, ok := out[role]; !ok {
			return nil, fmt.Errorf("the template has no function of role %s", role)
		}
	}
	return out, nil
}

// StageFunctionEnvironments synthesizes stage with placeholder bootstraps
// (PlaceholderBin in a temporary directory, removed afterwards) and returns
// FunctionEnvironments of its template: what the Runtime Interface
// Emulator test sets on each bootstrap.
func StageFunctionEnvironments(stage string, catalogEngine string) (map[string][]string, error) {
	s, err := ParseStage(stage)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "quartet-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := PlaceholderBin(dir); err != nil {
		return nil, err
	}
	template, err := Template(Props{Stage: s, CatalogEngine: catalogEngine, BinDir: dir})
	if err != nil {
		return nil, err
	}
	return FunctionEnvironments(template)
}

// PlaceholderBin writes a stand-in bootstrap for every role under dir
// (dir/<role>/bootstrap), so that the stack synthesizes where `make build`
// has not run, as in tests. A placeholder is never deployable: it only
// says so and exits.
func PlaceholderBin(dir string) error {
	for _, role := range Roles {
		if err := os.MkdirAll(filepath.Join(dir, role), 0o755); err != nil {
			return err
		}
		script := "#!/bin/sh\necho 'placeholder bootstrap of " + role + ": run make build' >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(dir, role, "bootstrap"), []byte(script), 0o755); err != nil {
			return err
		}
	}
	return nil
}
