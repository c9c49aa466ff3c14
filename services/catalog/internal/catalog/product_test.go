package catalog_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/quartet/services/catalog/internal/catalog"
)

var now = time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)

const productID = "01959ad0-0000-7000-8000-000000000001"

func validNewProduct() catalog.NewProduct {
	return catalog.NewProduct{
		SKU: "KIT-001", Name: "Cast Iron Skillet", Description: "Pre-seasoned.",
		Price: catalog.Money{Amount: 3499, Currency: "USD"}, Category: "kitchen", Stock: 12,
	}
}

func TestNewProductCreate(t *testing.T) {
	got, err := catalog.NewProduct{
		SKU: " KIT-001 ", Name: " Cast Iron Skillet\n", Description: "\tPre-seasoned. ",
		Price: catalog.Money{Amount: 3499, Currency: "USD"}, Category: "kitchen", Stock: 12,
	}.Create(productID, now)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	want := catalog.Product{
		ID: productID, SKU: "KIT-001", Name: "Cast Iron Skillet", Description: "Pre-seasoned.",
		Price: catalog.Money{Amount: 3499, Currency: "USD"}, Category: "kitchen", Stock: 12,
		Status: catalog.StatusActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if got != want {
		t.Errorf("Create =\n%+v\nwant\n%+v", got, want)
	}
}

func TestNewProductCreateInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*catalog.NewProduct)
		fields []string // the invalid fields, in order
	}{
		{"empty SKU", func(n *catalog.NewProduct) { n.SKU = "" }, []string{"sku"}},
		{"lower-case SKU", func(n *catalog.NewProduct) { n.SKU = "kit-001" }, []string{"sku"}},
		{"SKU starting with a dash", func(n *catalog.NewProduct) { n.SKU = "-KIT" }, []string{"sku"}},
		{"SKU of 65 characters", func(n *catalog.NewProduct) { n.SKU = strings.Repeat("K", 65) }, []string{"sku"}},
		{"blank name", func(n *catalog.NewProduct) { n.Name = "  " }, []string{"name"}},
		{"long name", func(n *catalog.NewProduct) { n.Name = strings.Repeat("é", catalog.MaxNameLen+1) }, []string{"name"}},
		{"long description", func(n *catalog.NewProduct) { n.Description = strings.Repeat("d", catalog.MaxDescriptionLen+1) }, []string{"description"}},
		// PostgreSQL refuses NUL in text: a 422, not a 500 from the store.
		{"NUL in the name", func(n *catalog.NewProduct) { n.Name = "Mug\x00" }, []string{"name"}},
		{"NUL in the description", func(n *catalog.NewProduct) { n.Description = "A\x00mug" }, []string{"description"}},
		{"invalid UTF-8 in the name", func(n *catalog.NewProduct) { n.Name = "Mug \xff" }, []string{"name"}},
		{"negative price", func(n *catalog.NewProduct) { n.Price.Amount = -1 }, []string{"price.amount"}},
		{"huge price", func(n *catalog.NewProduct) { n.Price.Amount = catalog.MaxPriceAmount + 1 }, []string{"price.amount"}},
		{"lower-case currency", func(n *catalog.NewProduct) { n.Price.Currency = "usd" }, []string{"price.currency"}},
		{"no currency", func(n *catalog.NewProduct) { n.Price.Currency = "" }, []string{"price.currency"}},
		{"no category", func(n *catalog.NewProduct) { n.Category = "" }, []string{"category"}},
		{"category not a slug", func(n *catalog.NewProduct) { n.Category = "Home Garden" }, []string{"category"}},
		{"negative stock", func(n *catalog.NewProduct) { n.Stock = -1 }, []string{"stock"}},
		{"huge stock", func(n *catalog.NewProduct) { n.Stock = catalog.MaxStock + 1 }, []string{"stock"}},
		{"every field", func(n *catalog.NewProduct) { *n = catalog.NewProduct{Price: catalog.Money{Amount: -1}, Stock: -1} },
			[]string{"sku", "name", "price.amount", "price.currency", "category", "stock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNewProduct()
			tt.change(&n)
			p, err := n.Create(productID, now)
			checkInvalid(t, err, tt.fields)
			if p != (catalog.Product{}) {
				t.Errorf("Create returned %+v with its error, want the zero Product", p)
			}
		})
	}
}

func TestNewProductCreateLimits(t *testing.T) {
	tests := []struct {
		name   string
		change func(*catalog.NewProduct)
	}{
		{"SKU of 64 characters", func(n *catalog.NewProduct) { n.SKU = strings.Repeat("K", 64) }},
		{"longest name", func(n *catalog.NewProduct) { n.Name = strings.Repeat("é", catalog.MaxNameLen) }},
		{"no description", func(n *catalog.NewProduct) { n.Description = "" }},
		{"longest description", func(n *catalog.NewProduct) { n.Description = strings.Repeat("d", catalog.MaxDescriptionLen) }},
		{"free", func(n *catalog.NewProduct) { n.Price.Amount = 0 }},
		{"highest price", func(n *catalog.NewProduct) { n.Price.Amount = catalog.MaxPriceAmount }},
		{"no stock", func(n *catalog.NewProduct) { n.Stock = 0 }},
		{"most stock", func(n *catalog.NewProduct) { n.Stock = catalog.MaxStock }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNewProduct()
			tt.change(&n)
			if _, err := n.Create(productID, now); err != nil {
				t.Errorf("Create: %v", err)
			}
		})
	}
}

func TestPatchApply(t *testing.T) {
	name, description, category, stock := " Skillet ", "", "cookware", 0
	price := catalog.Money{Amount: 2999, Currency: "EUR"}
	later := now.Add(time.Minute)

	p := newProduct(t)
	patch := catalog.Patch{Name: &name, Description: &description, Price: &price, Category: &category, Stock: &stock}
	if err := patch.Apply(&p, later); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want := newProduct(t)
	want.Name, want.Description, want.Price, want.Category, want.Stock = "Skillet", "", price, category, 0
	want.Version, want.UpdatedAt = 2, later
	if p != want {
		t.Errorf("after Apply:\n%+v\nwant\n%+v", p, want)
	}

	p = newProduct(t)
	if err := (catalog.Patch{}).Apply(&p, later); err != nil {
		t.Fatalf("Apply(empty patch): %v", err)
	}
	want = newProduct(t)
	want.Version, want.UpdatedAt = 2, later
	if p != want {
		t.Errorf("after an empty patch:\n%+v\nwant\n%+v", p, want)
	}
}

func TestPatchApplyRefused(t *testing.T) {
	blank, badCurrency, stock := " ", catalog.Money{Amount: 1, Currency: "dollars"}, -3
	name := "New name"
	archived := newProduct(t)
	archived.Archive(now)

	tests := []struct {
		name    string
		product catalog.Product
		patch   catalog.Patch
		want    error
		fields  []string
	}{
		{"archived", archived, catalog.Patch{Name: &name}, catalog.ErrArchived, nil},
		{"blank name", newProduct(t), catalog.Patch{Name: &blank}, catalog.ErrInvalid, []string{"name"}},
		{"currency", newProduct(t), catalog.Patch{Price: &badCurrency}, catalog.ErrInvalid, []string{"price.currency"}},
		{"several fields", newProduct(t), catalog.Patch{Name: &blank, Stock: &stock}, catalog.ErrInvalid, []string{"name", "stock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.product
			err := tt.patch.Apply(&p, now.Add(time.Minute))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Apply: got %v, want %v", err, tt.want)
			}
			if tt.fields != nil {
				checkInvalid(t, err, tt.fields)
			}
			if p != tt.product {
				t.Errorf("a refused patch changed the product to\n%+v\nfrom\n%+v", p, tt.product)
			}
		})
	}
}

func TestArchive(t *testing.T) {
	p := newProduct(t)
	later := now.Add(time.Minute)
	if !p.Archive(later) {
		t.Fatalf("Archive of an active product = false, want true")
	}
	if p.Status != catalog.StatusArchived || p.Version != 2 || p.UpdatedAt != later {
		t.Errorf("archived: status %q version %d updated %v, want %q, 2, %v", p.Status, p.Version, p.UpdatedAt, catalog.StatusArchived, later)
	}
	before := p
	if p.Archive(later.Add(time.Minute)) {
		t.Errorf("Archive of an archived product = true, want false")
	}
	if p != before {
		t.Errorf("archiving again changed the product to %+v", p)
	}
}

func TestAdjustStock(t *testing.T) {
	tests := []struct {
		name         string
		stock, delta int
		want         int   // the stock after
		err          error // nil, ErrInsufficientStock or ErrInvalid
	}{
		{"add", 5, 3, 8, nil},
		{"take", 5, -3, 2, nil},
		{"take all", 5, -5, 0, nil},
		{"take one too many", 5, -6, 5, catalog.ErrInsufficientStock},
		{"take from none", 0, -1, 0, catalog.ErrInsufficientStock},
		{"fill up", catalog.MaxStock - 1, 1, catalog.MaxStock, nil},
		{"overfill", catalog.MaxStock, 1, catalog.MaxStock, catalog.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProduct(t)
			p.Stock = tt.stock
			err := p.AdjustStock(tt.delta, now.Add(time.Minute))
			if !errors.Is(err, tt.err) {
				t.Fatalf("AdjustStock(%d) of %d: got error %v, want %v", tt.delta, tt.stock, err, tt.err)
			}
			if p.Stock != tt.want {
				t.Errorf("AdjustStock(%d) of %d: stock %d, want %d", tt.delta, tt.stock, p.Stock, tt.want)
			}
			wantVersion := 1
			if tt.err == nil {
				wantVersion = 2
			}
			if p.Version != wantVersion {
				t.Errorf("version %d, want %d", p.Version, wantVersion)
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	for slug, want := range map[string]bool{
		"kitchen": true, "home-garden": true, "a1": true, strings.Repeat("a", 64): true,
		"": false, "Kitchen": false, "home--garden": false, "-home": false, "home-": false,
		"home garden": false, strings.Repeat("a", 65): false,
	} {
		if got := catalog.ValidSlug(slug); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", slug, got, want)
		}
	}
}

// newProduct returns a valid product at version 1.
func newProduct(t *testing.T) catalog.Product {
	t.Helper()
	p, err := validNewProduct().Create(productID, now)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return p
}

// checkInvalid checks that err is a ValidationError naming fields.
func checkInvalid(t *testing.T, err error, fields []string) {
	t.Helper()
	if !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("got error %v, want one matching ErrInvalid", err)
	}
	var verr *catalog.ValidationError
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
