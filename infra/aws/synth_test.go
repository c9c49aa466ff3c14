package quartet_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	quartet "example.com/quartet/infra/aws"
)

// synth is one synthesized stage: its stack, its template and cdk-nag's
// findings on it.
type synth struct {
	stack    awscdk.Stack
	template assertions.Template
	json     map[string]any
	nagErrs  []string
}

// cache keeps one synthesis per stage and engine for the package's tests:
// synthesizing costs seconds.
var cache = map[string]*synth{}

func synthesize(t *testing.T, stage, engine string) *synth {
	t.Helper()
	key := stage + "/" + engine
	if s, ok := cache[key]; ok {
		return s
	}
	bin := t.TempDir()
	if err := quartet.PlaceholderBin(bin); err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack, err := quartet.NewStack(app, quartet.Props{Stage: quartet.Stage(stage), CatalogEngine: engine, BinDir: bin})
	if err != nil {
		t.Fatal(err)
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	s := &synth{stack: stack}
	if err := try(func() { s.template = assertions.Template_FromStack(stack, nil) }); err != nil {
		t.Fatal(err)
	}
	s.json = *s.template.ToJSON()
	for _, m := range *assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		s.nagErrs = append(s.nagErrs, finding(m))
	}
	for _, m := range *assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		s.nagErrs = append(s.nagErrs, "warning "+finding(m))
	}
	cache[key] = s
	return s
}

// try runs an assertion, turning the Go panic by which jsii reports a
// failed assertion into an error: one failure fails one test, not the
// test binary.
func try(assert func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	assert()
	return nil
}

func check(t *testing.T, assert func()) {
	t.Helper()
	if err := try(assert); err != nil {
		t.Error(err)
	}
}

func TestNagDev(t *testing.T) {
	s := synthesize(t, "dev", quartet.EnginePostgres)
	for _, e := range s.nagErrs {
		t.Error(e)
	}
}

// finding formats a cdk-nag error as "construct path: rule[finding]",
// read through its JSON form (SynthesisMessage's accessors are deprecated).
func finding(m any) string {
	var msg struct {
		ID    string `json:"id"`
		Entry struct {
			Data any `json:"data"`
		} `json:"entry"`
	}
	raw, _ := json.Marshal(m)
	_ = json.Unmarshal(raw, &msg)
	text := fmt.Sprint(msg.Entry.Data)
	if i := strings.Index(text, ": "); i > 0 {
		text = text[:i]
	}
	return msg.ID + ": " + text
}
