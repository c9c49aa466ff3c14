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
		env := map[string]string{"ORDERS_CLAIM_LEASE": tt.lease}
		cfg, err := orders.ConfigFromEnv(func(k string) string { return env[k] })
		if gotErr := err != nil; gotErr != tt.wantErr || cfg.ClaimLease != tt.want {
			t.Errorf("ORDERS_CLAIM_LEASE=%q: ClaimLease %v, error %v; want %v, error %t", tt.lease, cfg.ClaimLease, err, tt.want, tt.wantErr)
		}
	}
	if orders.DefaultClaimLease > 30*time.Second {
		t.Errorf("DefaultClaimLease = %v: keep it within a function timeout (API Gateway gives up after 30 s)", orders.DefaultClaimLease)
	}
}

func TestConfigFromEnvEventBus(t *testing.T) {
	env := map[string]string{"EVENT_BUS_NAME": "quartet-dev", "ORDERS_TABLE": "orders-dev", "AWS_REGION": "eu-west-1"}
	cfg, err := orders.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.EventBusName != "quartet-dev" || cfg.Events == nil || cfg.TableName != "orders-dev" {
		t.Errorf("ConfigFromEnv = %+v, %v; want bus quartet-dev, table orders-dev", cfg, err)
	}
	delete(env, "AWS_REGION")
	if _, err := orders.ConfigFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("ConfigFromEnv opened a bus without AWS_REGION")
	}
	cfg, err = orders.ConfigFromEnv(func(string) string { return "" })
	if err != nil || cfg.EventBusName != "" {
		t.Errorf("ConfigFromEnv of an empty environment = %+v, %v; want no bus and no error (the catalog is no longer needed)", cfg, err)
	}
}
