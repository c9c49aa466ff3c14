// Command token prints a bearer token for the local system (`make token`):
//
//	go run ./infra/local/cmd/token -role admin
//	curl -H "Authorization: Bearer $(go run ./infra/local/cmd/token -role admin)" ...
//
// The token is signed with the development key in the data directory, which
// `make dev` uses to verify tokens; the key is created if it does not exist.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"example.com/quartet/infra/local/internal/devtoken"
	"example.com/quartet/infra/local/internal/workspace"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("token", flag.ContinueOnError)
	flags.SetOutput(stderr)
	roles := flags.String("role", "customer", "comma-separated roles of the token, such as admin or customer")
	sub := flags.String("sub", "", "subject of the token (default dev-<first role>)")
	data := flags.String("data", ".data", "data directory holding the signing key, relative to the repository root")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}

	var list []string
	for r := range strings.SplitSeq(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			list = append(list, r)
		}
	}
	if *sub == "" {
		if len(list) == 0 {
			return fmt.Errorf("-sub is required when -role is empty")
		}
		*sub = "dev-" + list[0]
	}

	dir, err := workspace.Path(*data)
	if err != nil {
		return err
	}
	authority, err := devtoken.Open(dir)
	if err != nil {
		return err
	}
	token, err := authority.Mint(*sub, list, time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
