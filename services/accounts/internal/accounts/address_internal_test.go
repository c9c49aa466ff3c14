package accounts

import (
	"slices"
	"testing"
)

func TestCountryList(t *testing.T) {
	if len(countries) != 249 {
		t.Errorf("%d country codes, want the 249 assigned ISO 3166-1 alpha-2 codes", len(countries))
	}
	if !slices.IsSorted(countries) {
		t.Errorf("country codes are not sorted; ValidCountry searches them")
	}
	for code, want := range map[string]bool{"DE": true, "US": true, "ZW": true, "AD": true, "XX": false, "de": false, "UK": false, "": false} {
		if got := ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q) = %v, want %v", code, got, want)
		}
	}
}
