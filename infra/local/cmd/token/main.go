// Command token prints an access token for the local system (`make token`):
// it signs in to the running `make dev` as a demo account, through the
// gateway (POST /v1/sessions), the way a client does.
//
//	go run ./infra/local/cmd/token -role admin
//	curl -H "Authorization: Bearer $(go run ./infra/local/cmd/token -role admin)" ...
//
// -role admin|customer picks the demo account; -email and -password sign in
// as any other account. The gateway is the one `make dev` recorded in the
// data directory, else QUARTET_ADDR, else 127.0.0.1:8080; -gateway overrides.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"example.com/quartet/infra/local/internal/workspace"
	"example.com/quartet/services/accounts"
)

// gatewayURLFile is where `make dev` records its URL in the data directory
// (cmd/dev's GatewayURLFile).
const gatewayURLFile = "gateway.url"

// demoAccounts are the credentials of the accounts `make dev` seeds, by
// role. (This command imports accounts for them, not internal/system, which
// would link every store.)
var demoAccounts = map[string][2]string{
	"admin":    {accounts.DemoAdminEmail, accounts.DemoAdminPassword},
	"customer": {accounts.DemoCustomerEmail, accounts.DemoCustomerPassword},
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("token", flag.ContinueOnError)
	flags.SetOutput(stderr)
	role := flags.String("role", "customer", "demo account to sign in as: admin or customer")
	email := flags.String("email", "", "sign in as this account instead of a demo account (with -password)")
	password := flags.String("password", "", "the password of -email")
	gatewayURL := flags.String("gateway", "", "the gateway's URL (default: the one make dev recorded in -data, else http://$QUARTET_ADDR, else http://127.0.0.1:8080)")
	data := flags.String("data", ".data", "make dev's data directory, relative to the repository root")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	if (*email == "") != (*password == "") {
		return errors.New("-email and -password go together")
	}
	if *email == "" {
		demo, ok := demoAccounts[*role]
		if !ok {
			return fmt.Errorf("-role %q: want admin or customer", *role)
		}
		*email, *password = demo[0], demo[1]
	}

	base := *gatewayURL
	if base == "" {
		var err error
		if base, err = findGateway(*data, getenv); err != nil {
			return err
		}
	}
	token, err := signIn(ctx, strings.TrimSuffix(base, "/"), *email, *password)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}

// findGateway returns the URL make dev recorded in the data directory, or
// else the default address.
func findGateway(data string, getenv func(string) string) (string, error) {
	dir, err := workspace.Path(data)
	if err != nil {
		return "", err
	}
	if b, err := os.ReadFile(filepath.Join(dir, gatewayURLFile)); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if addr := getenv("QUARTET_ADDR"); addr != "" {
		return "http://" + addr, nil
	}
	return "http://127.0.0.1:8080", nil
}

// signIn posts the credentials to POST /v1/sessions and returns the access
// token.
func signIn(ctx context.Context, base, email, password string) (string, error) {
	body, err := json.Marshal(map[string]string{"email": email, "password": password})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/sessions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "", fmt.Errorf("nothing listens at %s: start the system with `make dev` first", base)
	}
	if err != nil {
		return "", fmt.Errorf("sign in at %s (is `make dev` running?): %w", base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
	case http.StatusServiceUnavailable:
		return "", fmt.Errorf("%s is still starting: try again in a few seconds", base)
	case http.StatusNotFound:
		return "", fmt.Errorf("%s has no POST /v1/sessions: is it `make dev`?", base)
	default:
		return "", fmt.Errorf("sign in as %s at %s: %s: %s", email, base, resp.Status, bytes.TrimSpace(b))
	}
	var session struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(b, &session); err != nil || session.AccessToken == "" {
		return "", fmt.Errorf("sign in at %s: unexpected answer %.200s", base, b)
	}
	return session.AccessToken, nil
}
