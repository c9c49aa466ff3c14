package quartet_test

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"example.com/quartet/packages/pgtest"
)

// TestMain stops jsii's Node process and, through pgtest.Main, the
// embedded PostgreSQL the Runtime Interface Emulator test may start.
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	jsii.Close()
	os.Exit(code)
}
