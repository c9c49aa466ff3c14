// Package eventtest holds contexts to their event contracts in their tests.
//
// Each producing context keeps, in services/<ctx>/events, a JSON Schema of
// the data of every event type it produces (<Type>.schema.json) and one
// example envelope of it (<Type>.example.json); each consuming context lists
// the types it consumes in its own consumes.json. The contracts are read as
// files, so no context imports another:
//
//   - CheckDir checks a producer's directory: every schema compiles, every
//     type has an example, every example validates;
//   - CheckProduced checks events a producer really wrote (taken from its
//     outbox in its tests) against the same schemas;
//   - Examples gives a consumer the example of every type it consumes, from
//     whichever context produces it, for its handler to process.
package eventtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"example.com/quartet/packages/event"
)

// File names in a context's events directory.
const (
	SchemaSuffix  = ".schema.json"
	ExampleSuffix = ".example.json"
	ConsumesFile  = "consumes.json"
)

const envelopeURL = "https://quartet.example.com/events/envelope.schema.json"

var envelope = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(event.EnvelopeSchema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(envelopeURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(envelopeURL)
})

// compile compiles the schema of the data of typ in dir.
func compile(dir, typ string) (*jsonschema.Schema, error) {
	path, err := filepath.Abs(filepath.Join(dir, typ+SchemaSuffix))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	return c.Compile(path)
}

// validate checks e against the envelope schema, Validate and the schema of
// its type's data in dir.
func validate(dir string, e event.Envelope) error {
	env, err := envelope()
	if err != nil {
		return fmt.Errorf("envelope schema: %w", err)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := validateJSON(env, raw); err != nil {
		return fmt.Errorf("%s %s: envelope: %w", e.Type, e.ID, err)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	s, err := compile(dir, e.Type)
	if err != nil {
		return fmt.Errorf("%s: no usable schema in %s: %w", e.Type, dir, err)
	}
	if err := validateJSON(s, e.Data); err != nil {
		return fmt.Errorf("%s %s: data: %w", e.Type, e.ID, err)
	}
	return nil
}

func validateJSON(s *jsonschema.Schema, raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

// CheckProduced fails t unless every event validates against the envelope
// schema and the schema of its type in dir (a producer's events directory).
func CheckProduced(t testing.TB, dir string, events ...event.Envelope) {
	t.Helper()
	if len(events) == 0 {
		t.Error("eventtest.CheckProduced: no events to check")
	}
	for _, e := range events {
		if err := validate(dir, e); err != nil {
			t.Error(err)
		}
	}
}

// Types returns the event types dir has schemas for, sorted.
func Types(t testing.TB, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"+SchemaSuffix))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, p := range paths {
		types = append(types, strings.TrimSuffix(filepath.Base(p), SchemaSuffix))
	}
	slices.Sort(types)
	return types
}

// CheckDir fails t unless dir, a producer's events directory, has at least
// one schema, every schema compiles and has an example, every example
// validates against its schema, is of the producer source, and every
// example has a schema.
func CheckDir(t testing.TB, dir, source string) {
	t.Helper()
	types := Types(t, dir)
	if len(types) == 0 {
		t.Fatalf("%s: no event schemas", dir)
	}
	for _, typ := range types {
		e, err := readExample(filepath.Join(dir, typ+ExampleSuffix))
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if e.Type != typ || e.Source != source {
			t.Errorf("%s: the example is a %s from %s, want a %s from %s", typ, e.Type, e.Source, typ, source)
		}
		if err := validate(dir, e); err != nil {
			t.Error(err)
		}
	}
	examples, _ := filepath.Glob(filepath.Join(dir, "*"+ExampleSuffix))
	for _, p := range examples {
		if typ := strings.TrimSuffix(filepath.Base(p), ExampleSuffix); !slices.Contains(types, typ) {
			t.Errorf("%s: an example without a schema", p)
		}
	}
}

func readExample(path string) (event.Envelope, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return event.Envelope{}, err
	}
	return event.Parse(b)
}

// Consumes returns the event types listed in dir/consumes.json, a JSON
// array of type names: what the context consumes.
func Consumes(t testing.TB, dir string) []string {
	t.Helper()
	types, err := ReadConsumes(dir)
	if err != nil {
		t.Fatal(err)
	}
	return types
}

// ReadConsumes reads dir/consumes.json.
func ReadConsumes(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, ConsumesFile))
	if err != nil {
		return nil, err
	}
	var types []string
	if err := json.Unmarshal(b, &types); err != nil {
		return nil, fmt.Errorf("%s: want a JSON array of event types: %w", ConsumesFile, err)
	}
	return types, nil
}

// Examples returns the example of each of types, found in the events
// directory of the context that produces it under servicesDir (the
// repository's services directory). It fails t when a type has no
// producer, or more than one.
func Examples(t testing.TB, servicesDir string, types []string) []event.Envelope {
	t.Helper()
	var out []event.Envelope
	for _, typ := range types {
		paths, err := filepath.Glob(filepath.Join(servicesDir, "*", "events", typ+ExampleSuffix))
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 1 {
			t.Errorf("%s: want one producer's example under %s, found %d", typ, servicesDir, len(paths))
			continue
		}
		e, err := readExample(paths[0])
		if err != nil {
			t.Errorf("%s: %v", paths[0], err)
			continue
		}
		out = append(out, e)
	}
	return out
}
