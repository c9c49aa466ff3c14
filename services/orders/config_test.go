package orders_test

import (
	"testing"
	"time"

	"example.com/quartet/services/orders"
)

func TestConfigFromEnvClaimLease(t *testing.T) {
	for _, tt := range []struct {
		lease   string
		want    time.Duration
		wantErr bool
	}{
		{"", 0, false}, // DefaultClaimLease, chosen by the service
		{"10s", 10 * time.Second, false},
		{"1m30s", 90 * time.Second, false},
		{"500ms", 0, true},
		{"16m", 0, true},
		{"ten seconds", 0, true},
	} {
		env := map[string]string{"CATALOG_API_URL": "http://catalog.test", "ORDERS_CLAIM_LEASE": tt.lease}
		cfg, err := orders.ConfigFromEnv(func(k string) string { return env[k] })
		if gotErr := err != nil; gotErr != tt.wantErr || cfg.ClaimLease != tt.want {
			t.Errorf("ORDERS_CLAIM_LEASE=%q: ClaimLease %v, error %v; want %v, error %t", tt.lease, cfg.ClaimLease, err, tt.want, tt.wantErr)
		}
	}
	if orders.DefaultClaimLease > 30*time.Second {
		t.Errorf("DefaultClaimLease = %v: keep it within a function timeout (API Gateway gives up after 30 s)", orders.DefaultClaimLease)
	}
}
