package portwait_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"example.com/quartet/infra/local/internal/portwait"
)

func TestListenWaitsForRelease(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { held.Close() })
	ln, err := portwait.Listen(context.Background(), held.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatalf("Listen after the port was released: %v", err)
	}
	ln.Close()
}

func TestFreeReportsAPortThatStaysInUse(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := held.Addr().(*net.TCPAddr).Port
	err = portwait.Free(context.Background(), port, 200*time.Millisecond, "embedded MySQL (accounts)", "set ACCOUNTS_DATABASE_URL")
	if err == nil {
		t.Fatal("Free succeeded on a port in use")
	}
	for _, want := range []string{"embedded MySQL (accounts)", strconv.Itoa(port), "make dev", "ACCOUNTS_DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFreeZeroPort(t *testing.T) {
	if err := portwait.Free(context.Background(), 0, 0, "x", ""); err != nil {
		t.Errorf("Free(0) = %v, want nil", err)
	}
}
