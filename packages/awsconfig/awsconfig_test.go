package awsconfig_test

import (
	"testing"

	"example.com/quartet/packages/awsconfig"
)

func TestLoadWithEndpoint(t *testing.T) {
	tests := []struct {
		name, region, wantRegion string
	}{
		{"default region", "", awsconfig.DefaultLocalRegion},
		{"given region", "eu-west-1", "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "from-the-environment") // must not be used
			cfg, err := awsconfig.Load(t.Context(), awsconfig.Options{Endpoint: "http://127.0.0.1:1", Region: tt.region})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != tt.wantRegion {
				t.Errorf("Region = %q, want %q", cfg.Region, tt.wantRegion)
			}
			if cfg.BaseEndpoint == nil || *cfg.BaseEndpoint != "http://127.0.0.1:1" {
				t.Errorf("BaseEndpoint = %v, want the endpoint", cfg.BaseEndpoint)
			}
			creds, err := cfg.Credentials.Retrieve(t.Context())
			if err != nil || creds.AccessKeyID != "local" {
				t.Errorf("credentials = %q, %v; want the static local ones", creds.AccessKeyID, err)
			}
			if cfg.Retryer == nil || cfg.Retryer().MaxAttempts() != 3 {
				t.Errorf("retryer: want the standard one with 3 attempts")
			}
		})
	}
}
