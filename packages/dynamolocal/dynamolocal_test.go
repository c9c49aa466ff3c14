package dynamolocal_test

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"example.com/quartet/packages/dynamolocal"
	"example.com/quartet/packages/testenv"
)

var shared dynamolocal.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := shared.Stop(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		code = 1
	}
	os.Exit(code)
}

// call sends one DynamoDB JSON request; DynamoDB Local accepts any
// credentials, so a syntactically valid Authorization header will do.
func call(t *testing.T, endpoint, op, body string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s %s", op, resp.Status, out)
	}
	return string(out)
}

func find(t *testing.T) dynamolocal.Install {
	t.Helper()
	in, err := dynamolocal.Find(t.Context())
	if errors.Is(err, dynamolocal.ErrNoJava) || errors.Is(err, dynamolocal.ErrNoJar) {
		testenv.Unavailable(t, "%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return in
}

const table = `{"TableName":"things","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`

func TestShared(t *testing.T) {
	t.Parallel()
	url := shared.URL(t)
	if url != shared.URL(t) {
		t.Error("a second URL started another server")
	}
	// The shared server outlives one run of the test (go test -count): a
	// table of its own each time.
	own := strings.Replace(table, `"things"`, `"things-`+rand.Text()+`"`, 1)
	if out := call(t, url, "CreateTable", own); !strings.Contains(out, `"TableStatus":"ACTIVE"`) {
		t.Errorf("CreateTable = %s, want TableStatus ACTIVE (waiters work on DynamoDB Local)", out)
	}
}

// TestDBPathKeepsData writes an item, stops the server, starts another on
// the same directory and reads the item back.
func TestDBPathKeepsData(t *testing.T) {
	t.Parallel()
	in := find(t)
	dir := t.TempDir()
	first, err := in.Start(t.Context(), dynamolocal.Options{DBPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(first.Kill) // if the test fails before it stops it
	call(t, first.URL(), "CreateTable", table)
	call(t, first.URL(), "PutItem", `{"TableName":"things","Item":{"pk":{"S":"kept"}}}`)
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}

	second, err := in.Start(t.Context(), dynamolocal.Options{DBPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(second.Kill)
	if out := call(t, second.URL(), "GetItem", `{"TableName":"things","Key":{"pk":{"S":"kept"}}}`); !strings.Contains(out, `"kept"`) {
		t.Errorf("after a restart GetItem = %s, want the item", out)
	}
}

func TestStartPortInUse(t *testing.T) {
	in := find(t)
	url := shared.URL(t)
	n, err := strconv.Atoi(url[strings.LastIndex(url, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Start(t.Context(), dynamolocal.Options{Port: n}); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Start on a port in use: %v, want EADDRINUSE", err)
	}
}

func TestFindMissingJar(t *testing.T) {
	t.Setenv(dynamolocal.EnvJar, t.TempDir())
	if _, err := dynamolocal.Find(t.Context()); !errors.Is(err, dynamolocal.ErrNoJar) {
		t.Errorf("Find with an empty %s: %v, want ErrNoJar", dynamolocal.EnvJar, err)
	}
}

// TestStopStale: a server whose parent died is found by its pid file and
// stopped, and its directory can be used again.
func TestStopStale(t *testing.T) {
	t.Parallel()
	in := find(t)
	dir := t.TempDir()
	orphan, err := in.Start(t.Context(), dynamolocal.Options{DBPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(orphan.Kill)
	stopped, err := dynamolocal.StopStale(t.Context(), dir)
	if err != nil || !stopped {
		t.Fatalf("StopStale = %v, %v; want true", stopped, err)
	}
	if stopped, err := dynamolocal.StopStale(t.Context(), dir); err != nil || stopped {
		t.Errorf("StopStale again = %v, %v; want false", stopped, err)
	}
}
