// Package seed loads the catalog's demo data: a storefront of categories
// and products to browse and search locally and on development stages.
package seed

import (
	"context"
	"errors"
	"fmt"

	"example.com/quartet/services/catalog/internal/catalog"
)

// Run creates the demo categories and products that do not exist yet, so
// running it again adds nothing. Categories are created through store (the
// service does not manage them); products through svc, which validates them.
func Run(ctx context.Context, svc *catalog.Service, store catalog.Store) error {
	for _, c := range categories {
		if err := store.CreateCategory(ctx, c); err != nil {
			return fmt.Errorf("seed category %s: %w", c.Slug, err)
		}
	}
	// Check first: an INSERT that fails on the unique SKU is harmless, but
	// PostgreSQL logs each one as an ERROR, some fifty at every start.
	existing, err := skus(ctx, store)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	for _, p := range products {
		if existing[p.sku] {
			continue
		}
		_, err := svc.CreateProduct(ctx, catalog.NewProduct{
			SKU: p.sku, Name: p.name, Description: p.description,
			Price:    catalog.Money{Amount: p.cents, Currency: "USD"},
			Category: p.category, Stock: p.stock,
		})
		if err != nil && !errors.Is(err, catalog.ErrDuplicateSKU) {
			return fmt.Errorf("seed product %s: %w", p.sku, err)
		}
	}
	return nil
}

// skus returns the SKUs of the products in store that are listed (active).
// A demo product an administrator archived is created again and fails on
// its SKU, which Run ignores.
func skus(ctx context.Context, store catalog.Store) (map[string]bool, error) {
	seen := make(map[string]bool)
	q := catalog.Query{Limit: catalog.MaxLimit}
	for {
		page, err := store.Products(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Products {
			seen[p.SKU] = true
		}
		if page.Next == "" {
			return seen, nil
		}
		q.After = page.Next
	}
}

var categories = []catalog.Category{
	{Slug: "kitchen", Name: "Kitchen"},
	{Slug: "furniture", Name: "Furniture"},
	{Slug: "garden", Name: "Garden"},
	{Slug: "outdoor", Name: "Outdoor"},
	{Slug: "electronics", Name: "Electronics"},
	{Slug: "books", Name: "Books"},
}

// products are created in this order, so the storefront, newest first,
// lists the last one first.
var products = []struct {
	sku, category, name, description string
	cents                            int64
	stock                            int
}{
	{"KIT-001", "kitchen", "Cast Iron Skillet", "Pre-seasoned 10-inch cast iron skillet for searing, baking and campfire cooking.", 3499, 40},
	{"KIT-002", "kitchen", "Chef's Knife", "Eight-inch stainless steel chef's knife with a full tang and a walnut handle.", 8900, 25},
	{"KIT-003", "kitchen", "Walnut Cutting Board", "End-grain walnut cutting board, oiled by hand, gentle on knife edges.", 6500, 18},
	{"KIT-004", "kitchen", "Pour-Over Coffee Kettle", "Gooseneck stainless steel kettle for precise pour-over coffee.", 4200, 30},
	{"KIT-005", "kitchen", "Ceramic Mixing Bowls", "Set of three stoneware mixing bowls, dishwasher and oven safe.", 3800, 22},
	{"KIT-006", "kitchen", "Dutch Oven", "Enamelled cast iron Dutch oven, 5.5 quarts, for stews, bread and braises.", 11900, 12},
	{"KIT-007", "kitchen", "Espresso Grinder", "Conical burr coffee grinder with 40 settings from espresso to French press.", 15900, 9},
	{"KIT-008", "kitchen", "Linen Tea Towels", "Pack of four stonewashed linen tea towels in natural colours.", 2400, 60},
	{"KIT-009", "kitchen", "Bamboo Utensil Set", "Five bamboo spoons and spatulas that never scratch non-stick pans.", 1900, 75},
	{"KIT-010", "kitchen", "Glass Storage Jars", "Six airtight borosilicate glass jars with bamboo lids for pantry storage.", 3200, 0},

	{"FUR-001", "furniture", "Walnut Dining Table", "Solid walnut dining table that seats six, finished with hard wax oil.", 189900, 3},
	{"FUR-002", "furniture", "Oak Bookshelf", "Five-shelf solid oak bookshelf with adjustable shelves.", 54900, 7},
	{"FUR-003", "furniture", "Linen Armchair", "Deep armchair upholstered in washable linen with an oak frame.", 69900, 5},
	{"FUR-004", "furniture", "Standing Desk", "Electric standing desk with a bamboo top and memory presets.", 59900, 11},
	{"FUR-005", "furniture", "Oak Bedside Table", "Oak bedside table with one soft-close drawer and an open shelf.", 21900, 14},
	{"FUR-006", "furniture", "Wool Area Rug", "Hand-woven wool rug, 160 by 230 cm, in charcoal and cream.", 34900, 8},
	{"FUR-007", "furniture", "Velvet Sofa", "Three-seat sofa in emerald velvet with feather-wrapped cushions.", 149900, 2},
	{"FUR-008", "furniture", "Rattan Floor Lamp", "Floor lamp with a hand-woven rattan shade and a warm LED bulb.", 17900, 16},
	{"FUR-009", "furniture", "Walnut Coffee Table", "Low walnut coffee table with rounded corners and a lower shelf.", 44900, 6},
	{"FUR-010", "furniture", "Ash Dining Chair", "Stackable ash dining chair with a woven paper cord seat.", 15900, 24},

	{"GAR-001", "garden", "Stainless Steel Trowel", "Rust-proof stainless steel trowel with an ash handle for planting bulbs.", 2900, 50},
	{"GAR-002", "garden", "Pruning Shears", "Bypass pruning shears with hardened steel blades for roses and shrubs.", 3900, 35},
	{"GAR-003", "garden", "Cedar Raised Bed", "Cedar raised garden bed, 120 by 60 cm, for vegetables and herbs.", 14900, 10},
	{"GAR-004", "garden", "Galvanised Watering Can", "Nine-litre galvanised steel watering can with a brass rose.", 4900, 20},
	{"GAR-005", "garden", "Heirloom Tomato Seeds", "Twelve varieties of heirloom tomato seeds for greenhouse or garden.", 1500, 120},
	{"GAR-006", "garden", "Compost Bin", "Two-chamber rotating compost bin that turns kitchen scraps into soil.", 12900, 9},
	{"GAR-007", "garden", "Garden Kneeler", "Foldable kneeler and seat with tool pockets, kind to knees.", 4500, 27},
	{"GAR-008", "garden", "Expandable Hose", "Fifteen-metre expandable garden hose with a brass spray nozzle.", 3600, 33},
	{"GAR-009", "garden", "Bird Feeder", "Squirrel-proof steel bird feeder for seeds and suet.", 2700, 0},
	{"GAR-010", "garden", "Herb Planter", "Terracotta planter with six pockets for basil, thyme and mint.", 3400, 19},

	{"OUT-001", "outdoor", "Two-Person Tent", "Lightweight two-person tent for backpacking, waterproof and quick to pitch.", 24900, 12},
	{"OUT-002", "outdoor", "Down Sleeping Bag", "Goose down sleeping bag rated to minus five degrees for camping.", 27900, 8},
	{"OUT-003", "outdoor", "Trekking Poles", "Pair of carbon trekking poles with cork grips for hiking.", 11900, 17},
	{"OUT-004", "outdoor", "Insulated Water Bottle", "Stainless steel bottle that keeps water cold for 24 hours.", 3500, 80},
	{"OUT-005", "outdoor", "Camping Stove", "Compact gas camping stove that boils a litre of water in three minutes.", 5900, 21},
	{"OUT-006", "outdoor", "Hiking Backpack", "Forty-litre hiking backpack with a rain cover and hip belt pockets.", 16900, 13},
	{"OUT-007", "outdoor", "Headlamp", "Rechargeable LED headlamp with a red night mode for camping and running.", 4400, 45},
	{"OUT-008", "outdoor", "Merino Base Layer", "Merino wool base layer that stays warm when wet on cold hikes.", 7900, 30},
	{"OUT-009", "outdoor", "Camping Hammock", "Parachute nylon hammock with tree straps, packs to the size of a grapefruit.", 4900, 26},
	{"OUT-010", "outdoor", "Folding Camp Chair", "Folding aluminium camp chair with a cup holder.", 6900, 15},

	{"ELE-001", "electronics", "Wireless Headphones", "Noise-cancelling wireless headphones with 30 hours of battery.", 24900, 20},
	{"ELE-002", "electronics", "Bluetooth Speaker", "Waterproof bluetooth speaker with a walnut front and deep bass.", 12900, 18},
	{"ELE-003", "electronics", "Mechanical Keyboard", "Compact mechanical keyboard with hot-swappable switches and oak keycaps.", 13900, 14},
	{"ELE-004", "electronics", "USB-C Charger", "Sixty-five watt USB-C charger for a laptop, tablet and phone at once.", 4900, 64},
	{"ELE-005", "electronics", "E-Reader", "Glare-free e-reader with a warm light and weeks of battery.", 13900, 10},
	{"ELE-006", "electronics", "Smart Thermostat", "Learning smart thermostat that saves energy when nobody is home.", 19900, 7},
	{"ELE-007", "electronics", "Desk Lamp", "Dimmable LED desk lamp with a wireless phone charger in its base.", 7900, 23},
	{"ELE-008", "electronics", "Portable Projector", "Pocket projector with a built-in battery for movies outdoors.", 34900, 4},
	{"ELE-009", "electronics", "Fitness Tracker", "Waterproof fitness tracker that counts steps, sleep and heart rate.", 9900, 29},
	{"ELE-010", "electronics", "Turntable", "Belt-drive turntable with a walnut plinth and a built-in preamp.", 29900, 0},

	{"BOO-001", "books", "The Bread Book", "Hardback guide to sourdough bread, from starter to crust.", 3200, 25},
	{"BOO-002", "books", "Field Guide to Birds", "Illustrated field guide to the birds of North America.", 2800, 30},
	{"BOO-003", "books", "Woodworking Basics", "Beginner's book on joinery, hand tools and finishing oak and walnut.", 3500, 16},
	{"BOO-004", "books", "The Vegetable Garden", "Month-by-month book on growing vegetables, herbs and tomatoes.", 2600, 21},
	{"BOO-005", "books", "Trails of the West", "Guide to fifty hiking trails with maps and camping tips.", 2400, 18},
	{"BOO-006", "books", "Coffee at Home", "How to brew espresso and pour-over coffee like a barista.", 2900, 27},
	{"BOO-007", "books", "Small Spaces", "Interior design book on furniture and storage for small homes.", 3900, 12},
	{"BOO-008", "books", "Cast Iron Cooking", "Recipes for the skillet and Dutch oven, indoors and at the campfire.", 2700, 33},
	{"BOO-009", "books", "Learning Go", "A practical book on the Go programming language and its tools.", 4500, 40},
	{"BOO-010", "books", "Night Sky Atlas", "Star charts and a guide to the night sky for camping trips.", 3100, 9},
}
