package validation_test

import (
	"errors"
	"fmt"
	"testing"

	"example.com/quartet/packages/validation"
)

func TestErrors(t *testing.T) {
	var es validation.Errors
	es.Check(true, "name", "must not be empty")
	if err := es.Err(); err != nil {
		t.Fatalf("Err() with no failed check = %v, want nil", err)
	}
	es.Check(false, "price.currency", "must be an ISO 4217 code")
	es.Check(false, "stock", "must not be negative")

	err := fmt.Errorf("create product: %w", es.Err())
	if !errors.Is(err, validation.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
	ve, ok := errors.AsType[*validation.Error](err)
	if !ok || len(ve.Fields) != 2 || ve.Fields[0].Field != "price.currency" || ve.Fields[1].Field != "stock" {
		t.Fatalf("fields = %+v, want price.currency then stock", ve)
	}
	want := "create product: invalid input: price.currency must be an ISO 4217 code; stock must not be negative"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestField(t *testing.T) {
	err := validation.Field("limit", "must be between 1 and 100")
	if !errors.Is(err, validation.ErrInvalid) || err.Fields[0] != (validation.FieldError{Field: "limit", Reason: "must be between 1 and 100"}) {
		t.Errorf("Field() = %+v", err)
	}
}

func TestUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"0190f3b6-7c1d-7a2b-9c3d-4e5f60718293":   true,
		"00000000-0000-0000-0000-000000000000":   true,
		"0190F3B6-7C1D-7A2B-9C3D-4E5F60718293":   false,
		"0190f3b67c1d7a2b9c3d4e5f60718293":       false,
		"{0190f3b6-7c1d-7a2b-9c3d-4e5f60718293}": false,
		"0190f3b6-7c1d-7a2b-9c3d-4e5f6071829":    false,
		"0190f3b6-7c1d-7a2b-9c3d-4e5f60718293x":  false,
		"0190f3b6x7c1d-7a2b-9c3d-4e5f60718293":   false,
		"0190f3b6-7c1d-7a2b-9c3d-4e5f6071829g":   false,
		"":                                       false,
	} {
		if got := validation.UUID(s); got != want {
			t.Errorf("UUID(%q) = %v, want %v", s, got, want)
		}
	}
}
