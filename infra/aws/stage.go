// Package quartet is Quartet's AWS side as a CDK app: one stack per stage,
// holding the four contexts' functions, their data, the HTTP API, the web
// distribution and the stage's alarms. Constructs are split by concern:
// data.go (table, database, secrets), functions.go, api.go (routes from the
// OpenAPI documents), web.go, migrations.go and operations.go.
//
// The stack is environment-agnostic (no lookups), so synthesizing it needs
// neither credentials nor network.
package quartet

import (
	"fmt"
	"regexp"
)

// Stage is a validated stage name: "dev", "staging", "prod", "pr-123",
// "alice". It prefixes the stack, resource and secret names of the stage.
type Stage string

// stagePattern keeps names DNS-label-like and short: stack names, Lambda
// function names (64), RDS identifiers (63) and S3-style names must all
// hold "quartet-<stage>-<something>".
var stagePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$`)

// LocalStage names make dev's system in the make targets that take a
// STAGE (make redrive STAGE=local): no AWS stage may have that name.
const LocalStage = "local"

// ParseStage validates name: 1 to 20 characters, lower-case letters,
// digits and single hyphens, starting with a letter and not ending with a
// hyphen, and not LocalStage.
func ParseStage(name string) (Stage, error) {
	if len(name) > 20 || !stagePattern.MatchString(name) {
		return "", fmt.Errorf("stage %q: want 1 to 20 lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen (dev, staging, prod, pr-123, alice)", name)
	}
	if name == LocalStage {
		return "", fmt.Errorf("stage %q is make dev's system on this machine (make redrive STAGE=local); an AWS stage needs another name", name)
	}
	return Stage(name), nil
}

// Durable reports whether the stage keeps its data: prod and staging
// retain their table, database, log groups and secrets, with deletion
// protection and backups. Every other stage is disposable.
func (s Stage) Durable() bool { return s == "prod" || s == "staging" }

// StackName is the CloudFormation stack of the stage.
func (s Stage) StackName() string { return "quartet-" + string(s) }

// Name returns a resource name carrying the stage: "quartet-<stage>-<part>".
func (s Stage) Name(part string) string { return "quartet-" + string(s) + "-" + part }

// SecretName returns the name of one of the stage's Secrets Manager
// secrets, "quartet/<stage>/<context>/<what>", the scheme cmd/pscale uses
// for the accounts database DSN.
func (s Stage) SecretName(context, what string) string {
	return "quartet/" + string(s) + "/" + context + "/" + what
}

// QueueName is the SQS queue from which consumer's events function reads
// ("quartet-<stage>-orders-events").
func (s Stage) QueueName(consumer string) string { return s.Name(consumer + "-events") }

// DeadLetterQueueName is consumer's dead-letter queue
// ("quartet-<stage>-orders-dead-letters"): messages its function failed
// maxReceives times, and events EventBridge could not deliver to its queue.
func (s Stage) DeadLetterQueueName(consumer string) string { return s.Name(consumer + "-dead-letters") }
