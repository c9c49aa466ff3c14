// Package archtest checks Quartet's layering rules on a module's import
// graph, as `go list -deps` reports it, so that a change that breaks them
// fails a test in the module it breaks instead of a review:
//
//   - a domain package imports no adapter and no SDK: only the standard
//     library and what its layers allow (packages/validation, uuid);
//   - a service imports no other service;
//   - a shared package (packages/...) imports no service;
//   - a Lambda (cmd/lambda, built as `make build` builds it) links no local
//     stand-in: no embedded store, no in-process DynamoDB, no test helper.
//
// Only what a package links counts: test files may use anything.
package archtest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Root is the import path prefix of every Quartet module.
const Root = "example.com/quartet/"

// StandIns are the import path prefixes of the local stand-ins and test
// helpers that no Lambda may link.
var StandIns = []string{
	"github.com/FerretDB/FerretDB",
	"github.com/truora/minidyn",
	"github.com/dolthub/go-mysql-server",
	"github.com/fergusstrange/embedded-postgres",
	Root + "packages/embeddedpg",
	Root + "packages/embeddedmysql",
	Root + "packages/embeddedferret",
	Root + "packages/pgtest",
	Root + "packages/mysqltest",
	Root + "packages/apitest",
	Root + "packages/testenv",
	"testing",
}

// Layers describes a service module for Service.
type Layers struct {
	// Name is the service's name: "catalog" for services/catalog.
	Name string
	// DomainMayUse lists import path prefixes the domain package
	// internal/<Name> may link beyond the standard library,
	// packages/validation and github.com/google/uuid. A path that starts
	// with "internal/" is one of the module's own packages, which must
	// then keep to the same rule (it is linked by the domain, so its
	// imports are the domain's).
	DomainMayUse []string
}

// domainAllowed are the modules every domain package may link.
var domainAllowed = []string{Root + "packages/validation", "github.com/google/uuid"}

// Service checks the rules of a service module whose root is the current
// directory (a test's working directory is its package's directory, so
// call it from a test of the module's root package).
func Service(t testing.TB, l Layers) {
	t.Helper()
	module := Root + "services/" + l.Name
	pkgs := list(t, nil, "./...")
	if len(pkgs) == 0 {
		t.Fatal("archtest: go list found no packages")
	}

	domain := module + "/internal/" + l.Name
	allowed := slices.Clone(domainAllowed)
	for _, p := range l.DomainMayUse {
		if rest, ok := strings.CutPrefix(p, "internal/"); ok {
			p = module + "/internal/" + rest
		}
		allowed = append(allowed, p)
	}
	found := false
	for _, p := range pkgs {
		if p.path != domain {
			continue
		}
		found = true
		for _, dep := range p.deps {
			if !p.std[dep] && dep != domain && !hasPrefix(dep, allowed) {
				t.Errorf("domain package %s links %s: a domain imports no adapter or SDK (allowed: the standard library, %s)",
					domain, dep, strings.Join(allowed, ", "))
			}
		}
	}
	if !found {
		t.Errorf("archtest: no domain package %s", domain)
	}

	for _, p := range pkgs {
		for _, dep := range p.deps {
			if other, ok := strings.CutPrefix(dep, Root+"services/"); ok && !strings.HasPrefix(dep, module+"/") && dep != module {
				t.Errorf("%s links %s: a service never imports another (%s)", p.path, dep, strings.SplitN(other, "/", 2)[0])
			}
		}
	}

	// Build the Lambda as make build does: the set of linked packages
	// depends on the target and the tags.
	lambda := list(t, []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, "-tags", "lambda.norpc", "./cmd/lambda")
	if len(lambda) != 1 {
		t.Fatalf("archtest: %s has no cmd/lambda", module)
	}
	for _, dep := range lambda[0].deps {
		if hasPrefix(dep, StandIns) {
			t.Errorf("the Lambda %s links %s, a local stand-in or test helper", lambda[0].path, dep)
		}
	}
}

// Shared checks that no package of the module in dir links a service.
func Shared(t testing.TB, dir string) {
	t.Helper()
	pkgs := listIn(t, dir, nil, "./...")
	for _, p := range pkgs {
		for _, dep := range p.deps {
			if strings.HasPrefix(dep, Root+"services/") {
				t.Errorf("%s links %s: a shared package never imports a service", p.path, dep)
			}
		}
	}
}

// pkg is one listed package with every package it links.
type pkg struct {
	path string
	deps []string
	std  map[string]bool // which of deps are in the standard library
}

func list(t testing.TB, env []string, args ...string) []pkg {
	t.Helper()
	return listIn(t, ".", env, args...)
}

// listIn runs go list -deps in dir and returns the packages args name, each
// with its dependencies.
func listIn(t testing.TB, dir string, env []string, args ...string) []pkg {
	t.Helper()
	// One line per package: path, standard, then the deps of the named ones.
	const format = `{{.ImportPath}} {{.Standard}} {{.DepOnly}}{{if not .DepOnly}}{{range .Deps}} {{.}}{{end}}{{end}}`
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", format}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		abs, _ := filepath.Abs(dir)
		t.Fatalf("archtest: go list %s in %s: %v\n%s", strings.Join(args, " "), abs, err, stderr.Bytes())
	}
	std := map[string]bool{}
	var named []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			t.Fatalf("archtest: unexpected go list line %q", sc.Text())
		}
		if f[1] == "true" {
			std[f[0]] = true
		}
		if f[2] == "false" {
			named = append(named, pkg{path: f[0], deps: f[3:], std: std})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("archtest: read go list: %v", err)
	}
	return named
}

func hasPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}
