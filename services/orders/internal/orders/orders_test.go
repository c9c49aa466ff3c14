package orders_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

var now = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

func eur(amount int64) orders.Money { return orders.Money{Amount: amount, Currency: "EUR"} }

// product returns an active product priced in euros.
func product(id string, amount int64) orders.Product {
	return orders.Product{ID: id, Name: "The " + id, Price: eur(amount), Active: true}
}

// lineOf returns the cart line quantity of p makes.
func lineOf(p orders.Product, quantity int) orders.Line {
	return orders.Line{ProductID: p.ID, Name: p.Name, UnitPrice: p.Price, Quantity: quantity}
}

func validAddress() orders.Address {
	return orders.Address{
		Name: "Ada Lovelace", Line1: "12 St James's Square", Line2: "Flat 3",
		City: "London", PostalCode: "SW1Y 4JH", Country: "GB",
	}
}

// checkInvalid checks that err is a *ValidationError naming fields, in order.
func checkInvalid(t *testing.T, err error, fields []string) {
	t.Helper()
	if !errors.Is(err, orders.ErrInvalid) {
		t.Fatalf("got error %v, want one matching ErrInvalid", err)
	}
	var verr *orders.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got error %T, want a *ValidationError", err)
	}
	var got []string
	for _, f := range verr.Fields {
		got = append(got, f.Field)
		if f.Reason == "" {
			t.Errorf("field %s has no reason", f.Field)
		}
	}
	if !slices.Equal(got, fields) {
		t.Errorf("invalid fields %v, want %v", got, fields)
	}
}

func TestParseAddress(t *testing.T) {
	tests := []struct {
		name string
		in   orders.Address
		want orders.Address
	}{
		{"valid", validAddress(), validAddress()},
		{
			"trimmed",
			orders.Address{
				Name: " Ada Lovelace\n", Line1: "\t12 St James's Square ", Line2: "  Flat 3  ",
				City: " London ", PostalCode: " SW1Y 4JH ", Country: " GB ",
			},
			validAddress(),
		},
		{
			"lower-case country",
			func() orders.Address { a := validAddress(); a.Country = "gb"; return a }(),
			validAddress(),
		},
		{
			"no line2",
			func() orders.Address { a := validAddress(); a.Line2 = ""; return a }(),
			func() orders.Address { a := validAddress(); a.Line2 = ""; return a }(),
		},
		{
			"blank line2",
			func() orders.Address { a := validAddress(); a.Line2 = "   "; return a }(),
			func() orders.Address { a := validAddress(); a.Line2 = ""; return a }(),
		},
		{
			// Limits count characters, not bytes.
			"every field at its limit",
			orders.Address{
				Name: strings.Repeat("é", 200), Line1: strings.Repeat("é", 200), Line2: strings.Repeat("é", 200),
				City: strings.Repeat("é", 100), PostalCode: strings.Repeat("é", 20), Country: "FR",
			},
			orders.Address{
				Name: strings.Repeat("é", 200), Line1: strings.Repeat("é", 200), Line2: strings.Repeat("é", 200),
				City: strings.Repeat("é", 100), PostalCode: strings.Repeat("é", 20), Country: "FR",
			},
		},
		{
			"limits apply after trimming",
			func() orders.Address { a := validAddress(); a.City = " " + strings.Repeat("c", 100) + " "; return a }(),
			func() orders.Address { a := validAddress(); a.City = strings.Repeat("c", 100); return a }(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := orders.ParseAddress(tt.in)
			if err != nil {
				t.Fatalf("ParseAddress: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseAddress =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseAddressInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*orders.Address)
		fields []string // the invalid fields, in order
	}{
		{"no name", func(a *orders.Address) { a.Name = "" }, []string{"shippingAddress.name"}},
		{"blank name", func(a *orders.Address) { a.Name = " \t\n" }, []string{"shippingAddress.name"}},
		{"long name", func(a *orders.Address) { a.Name = strings.Repeat("é", 201) }, []string{"shippingAddress.name"}},
		{"no line1", func(a *orders.Address) { a.Line1 = "" }, []string{"shippingAddress.line1"}},
		{"long line1", func(a *orders.Address) { a.Line1 = strings.Repeat("l", 201) }, []string{"shippingAddress.line1"}},
		{"long line2", func(a *orders.Address) { a.Line2 = strings.Repeat("l", 201) }, []string{"shippingAddress.line2"}},
		{"no city", func(a *orders.Address) { a.City = " " }, []string{"shippingAddress.city"}},
		{"long city", func(a *orders.Address) { a.City = strings.Repeat("c", 101) }, []string{"shippingAddress.city"}},
		{"no postal code", func(a *orders.Address) { a.PostalCode = "" }, []string{"shippingAddress.postalCode"}},
		{"long postal code", func(a *orders.Address) { a.PostalCode = strings.Repeat("9", 21) }, []string{"shippingAddress.postalCode"}},
		{"no country", func(a *orders.Address) { a.Country = "" }, []string{"shippingAddress.country"}},
		{"one-letter country", func(a *orders.Address) { a.Country = "G" }, []string{"shippingAddress.country"}},
		{"alpha-3 country", func(a *orders.Address) { a.Country = "GBR" }, []string{"shippingAddress.country"}},
		{"country with a digit", func(a *orders.Address) { a.Country = "G1" }, []string{"shippingAddress.country"}},
		{"country with a space", func(a *orders.Address) { a.Country = "G B" }, []string{"shippingAddress.country"}},
		{"non-ASCII country", func(a *orders.Address) { a.Country = "ÉS" }, []string{"shippingAddress.country"}},
		{"country name", func(a *orders.Address) { a.Country = "United Kingdom" }, []string{"shippingAddress.country"}},
		{
			"every field",
			func(a *orders.Address) { *a = orders.Address{Line2: strings.Repeat("l", 201)} },
			[]string{
				"shippingAddress.name", "shippingAddress.line1", "shippingAddress.line2", "shippingAddress.city",
				"shippingAddress.postalCode", "shippingAddress.country",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAddress()
			tt.change(&a)
			got, err := orders.ParseAddress(a)
			checkInvalid(t, err, tt.fields)
			if got != (orders.Address{}) {
				t.Errorf("ParseAddress returned %+v with its error, want the zero Address", got)
			}
		})
	}
}

func TestValidationError(t *testing.T) {
	err := &orders.ValidationError{Fields: []orders.FieldError{
		{Field: "quantity", Reason: "must be between 1 and 99"},
		{Field: "shippingAddress.city", Reason: "is required"},
	}}
	if got, want := err.Error(), "invalid input: quantity must be between 1 and 99; shippingAddress.city is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, orders.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false, want true", err)
	}
	if errors.Is(err, orders.ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = true, want false", err)
	}
}

func TestValidProductID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"letters", "mug", true},
		{"every allowed character", "Az09-_", true},
		{"UUID", "01959ad0-0000-7000-8000-000000000001", true},
		{"one character", "x", true},
		{"64 characters", strings.Repeat("p", 64), true},
		{"empty", "", false},
		{"65 characters", strings.Repeat("p", 65), false},
		{"slash", "a/b", false},
		{"dot", "a.b", false},
		{"space", "a b", false},
		{"percent", "a%2F", false},
		{"non-ASCII letter", "café", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orders.ValidProductID(tt.id); got != tt.want {
				t.Errorf("ValidProductID(%q) = %t, want %t", tt.id, got, tt.want)
			}
		})
	}
}

func TestValidIdempotencyKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		want bool
	}{
		{"UUID", "8e2b1c4a-6f0d-4c1e-9a7b-3d5e2f1a0b9c", true},
		{"one character", "k", true},
		{"every visible ASCII character", "!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", true},
		{"128 characters", strings.Repeat("k", 128), true},
		{"empty", "", false},
		{"129 characters", strings.Repeat("k", 129), false},
		{"space", "a b", false},
		{"tab", "a\tb", false},
		{"DEL", "a\x7fb", false},
		{"non-ASCII", "clé", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orders.ValidIdempotencyKey(tt.key); got != tt.want {
				t.Errorf("ValidIdempotencyKey(%q) = %t, want %t", tt.key, got, tt.want)
			}
		})
	}
}

func TestClaimTimes(t *testing.T) {
	c := orders.Claim{CustomerID: "alice", Key: "k", RequestHash: "h", Token: "t", Now: now}
	if got, want := c.LockedUntil(), now.Add(orders.DefaultClaimLease); !got.Equal(want) {
		t.Errorf("LockedUntil() = %v, want %v", got, want)
	}
	c.Lease = 7 * time.Second
	if got, want := c.LockedUntil(), now.Add(7*time.Second); !got.Equal(want) {
		t.Errorf("LockedUntil() with a 7 s lease = %v, want %v", got, want)
	}
	if got, want := c.ExpiresAt(), now.Add(orders.KeyRetention); !got.Equal(want) {
		t.Errorf("ExpiresAt() = %v, want %v", got, want)
	}
}
