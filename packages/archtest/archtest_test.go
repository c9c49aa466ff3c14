package archtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"example.com/quartet/packages/archtest"
)

// TestSharedPackages checks every module under packages/: none links a
// service.
func TestSharedPackages(t *testing.T) {
	mods, err := filepath.Glob("../*/go.mod")
	if err != nil || len(mods) < 2 {
		t.Fatalf("shared modules: %v, %v", mods, err)
	}
	for _, m := range mods {
		dir := filepath.Dir(m)
		t.Run(filepath.Base(dir), func(t *testing.T) { archtest.Shared(t, dir) })
	}
}

// TestRulesBite runs the checks on a throwaway module that breaks each
// rule, and expects a failure for each.
func TestRulesBite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a throwaway module")
	}
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("services/shop/go.mod", "module example.com/quartet/services/shop\n\ngo 1.26\n\n"+
		"require (\n\texample.com/quartet/services/other v0.0.0\n\tgithub.com/aws/aws-sdk-go-v2 v0.0.0\n)\n\n"+
		"replace (\n\texample.com/quartet/services/other => ../other\n\tgithub.com/aws/aws-sdk-go-v2 => ../sdk\n)\n")
	write("services/shop/internal/shop/shop.go", "package shop\n\nimport (\n\t_ \"github.com/aws/aws-sdk-go-v2\"\n\n\t_ \"example.com/quartet/services/shop/internal/postgres\"\n)\n")
	write("services/sdk/go.mod", "module github.com/aws/aws-sdk-go-v2\n\ngo 1.26\n")
	write("services/sdk/sdk.go", "package aws\n")
	write("services/shop/internal/postgres/postgres.go", "package postgres\n\nimport _ \"net/http\"\n")
	write("services/shop/cmd/lambda/main.go", "package main\n\nimport (\n\t_ \"testing\"\n\n\t_ \"example.com/quartet/services/other\"\n)\n\nfunc main() {}\n")
	write("services/other/go.mod", "module example.com/quartet/services/other\n\ngo 1.26\n")
	write("services/other/other.go", "package other\n")
	write("packages/leaky/go.mod", "module example.com/quartet/packages/leaky\n\ngo 1.26\n\nrequire example.com/quartet/services/other v0.0.0\n\nreplace example.com/quartet/services/other => ../../services/other\n")
	write("packages/leaky/leaky.go", "package leaky\n\nimport _ \"example.com/quartet/services/other\"\n")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")

	t.Chdir(filepath.Join(root, "services/shop"))
	shop := record(t, func(tb testing.TB) { archtest.Service(tb, archtest.Layers{Name: "shop"}) })
	leaky := record(t, func(tb testing.TB) { archtest.Shared(tb, filepath.Join(root, "packages/leaky")) })
	wantShop := []string{
		"domain package example.com/quartet/services/shop/internal/shop links example.com/quartet/services/shop/internal/postgres",
		"domain package example.com/quartet/services/shop/internal/shop links github.com/aws/aws-sdk-go-v2",
		"example.com/quartet/services/shop/cmd/lambda links example.com/quartet/services/other: a service never imports another",
		"the Lambda example.com/quartet/services/shop/cmd/lambda links testing",
	}
	for _, want := range wantShop {
		if !slices.ContainsFunc(shop, func(m string) bool { return strings.HasPrefix(m, want) }) {
			t.Errorf("Service on a module that breaks every rule: no error starting %q in\n%s", want, strings.Join(shop, "\n"))
		}
	}
	if len(leaky) != 1 || !strings.Contains(leaky[0], "a shared package never imports a service") {
		t.Errorf("Shared on a package that imports a service: %q, want one error", leaky)
	}
}

// record runs check with a testing.TB that collects its errors instead of
// failing t, and returns them.
func record(t *testing.T, check func(testing.TB)) []string {
	r := &recorder{TB: t}
	func() {
		defer func() {
			if v := recover(); v != nil && v != errFatal {
				panic(v)
			}
		}()
		check(r)
	}()
	return r.msgs
}

var errFatal = new(int)

type recorder struct {
	testing.TB
	msgs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(errFatal)
}

func (r *recorder) Fatal(args ...any) {
	r.msgs = append(r.msgs, fmt.Sprint(args...))
	panic(errFatal)
}
