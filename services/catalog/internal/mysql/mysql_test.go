package mysql_test

import (
	"database/sql"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"example.com/quartet/packages/event/eventtest"
	"example.com/quartet/packages/mysqltest"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/catalog/internal/catalog"
	"example.com/quartet/services/catalog/internal/catalogtest"
	"example.com/quartet/services/catalog/internal/mysql"
)

// The contract suite runs on MariaDB or MySQL (InnoDB), concurrency cases
// included, and not on the embedded go-mysql-server (mysqltest.Embedded):
// besides losing concurrent updates (DESIGN.md §1), its in-memory tables
// (v0.20.0) cannot have a FULLTEXT index at all — CREATE TABLE fails with
// "FULLTEXT index … references the table …_FTS_POSITION which does not
// have a single index represented by the PRIMARY KEY", whatever the
// primary key. The catalog's MySQL mode targets RDS and Aurora, which
// MariaDB stands in for.

func TestStore(t *testing.T) {
	catalogtest.Run(t, func(t *testing.T) catalog.Store { return newStore(t, mysqltest.External(t)) })
}

func TestMigrate(t *testing.T) {
	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		db := open(t, mysqltest.External(t))
		for i := range 2 {
			if err := mysql.Migrate(t.Context(), db); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		checkMigrated(t, db)
	})
	t.Run("Concurrently", func(t *testing.T) {
		t.Parallel()
		dsn := mysqltest.External(t)
		errs := make([]error, 5)
		var wg sync.WaitGroup
		for i := range errs {
			// A pool each, as separate processes would have.
			db := open(t, dsn)
			wg.Go(func() { errs[i] = mysql.Migrate(t.Context(), db) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Migrate #%d: %v", i+1, err)
			}
		}
		checkMigrated(t, open(t, dsn))
	})
}

// TestSearchWords checks how a search becomes an InnoDB boolean query:
// operators are plain separators, and words the full-text index cannot
// hold (stopwords, fewer than 3 characters) are dropped instead of making
// the search fail.
func TestSearchWords(t *testing.T) {
	s := newStore(t, mysqltest.External(t))
	ctx := t.Context()
	if err := s.CreateCategory(ctx, catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)
	create := func(id, sku, name, description string) string {
		p, err := catalog.NewProduct{SKU: sku, Name: name, Description: description,
			Price: catalog.Money{Amount: 100, Currency: "USD"}, Category: "kitchen", Stock: 1}.Create(id, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateProduct(ctx, p); err != nil {
			t.Fatalf("CreateProduct: %v", err)
		}
		return id
	}
	knife := create("01959ad0-0000-7000-8000-000000000001", "K-1", "Chef's Knife", "Ten-inch blade with a walnut handle.")
	cafe := create("01959ad0-0000-7000-8000-000000000002", "K-2", "Café Press", "Makes 8 cups of coffee.")

	for _, tt := range []struct {
		search string
		want   []string
	}{
		{"the walnut", []string{knife}},        // stopword dropped
		{"a knife of walnut", []string{knife}}, // stopwords dropped
		{"10 inch", []string{knife}},           // "10" is too short to be indexed
		{"ten-inch", []string{knife}},          // hyphen separates words, as in the index
		{"chef's", []string{knife}},            // so does the apostrophe
		{`+walnut -handle`, []string{knife}},   // operators are separators: both words required
		{`"walnut" (knife*)`, []string{knife}},
		{"wal*", nil},            // no prefix search: "wal" is a whole word
		{"cafe", []string{cafe}}, // accents are ignored (utf8mb4_unicode_ci)
		{"the", nil},             // nothing left to search: no match, as PostgreSQL
		{"+-*", nil},
		{"walnuts", nil}, // no stemming, unlike PostgreSQL's english configuration
	} {
		page, err := s.Products(ctx, catalog.Query{Search: tt.search, Limit: 10})
		if err != nil {
			t.Errorf("Products(search %q): %v", tt.search, err)
			continue
		}
		var got []string
		for _, p := range page.Products {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("search %q found %v, want %v", tt.search, got, tt.want)
		}
	}
}

// TestConstraints checks that the schema itself refuses what the domain
// refuses, and that the refusals become catalog errors.
func TestConstraints(t *testing.T) {
	s := newStore(t, mysqltest.External(t))
	ctx := t.Context()
	if err := s.CreateCategory(ctx, catalog.Category{Slug: "kitchen", Name: "Kitchen"}); err != nil {
		t.Fatal(err)
	}
	p := catalog.Product{
		ID: "01959ad0-0000-7000-8000-000000000001", SKU: "K-1", Name: "Knife",
		Price: catalog.Money{Amount: 100, Currency: "USD"}, Category: "kitchen", Stock: -1,
		Status: catalog.StatusActive, Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now(),
	}
	if err := s.CreateProduct(ctx, p); !errors.Is(err, catalog.ErrInsufficientStock) {
		t.Errorf("CreateProduct with stock -1: got %v, want %v (CHECK constraint)", err, catalog.ErrInsufficientStock)
	}
	p.Stock = 1
	if err := s.CreateProduct(ctx, p); err != nil {
		t.Fatalf("CreateProduct: %v", err)
	}
	// IDs are UUIDs in any of their spellings, as with PostgreSQL's uuid.
	if got, err := s.Product(ctx, strings.ToUpper(p.ID)); err != nil || got.ID != p.ID {
		t.Errorf("Product(upper-case ID) = %q, %v; want %q", got.ID, err, p.ID)
	}
}

// newStore returns a Store on the fresh database at dsn, migrated, with a
// pool large enough for the concurrency cases to contend in the database
// rather than wait for a connection.
func newStore(t *testing.T, dsn string) *mysql.Store {
	t.Helper()
	db := open(t, dsn)
	db.SetMaxOpenConns(10)
	if err := mysql.Migrate(t.Context(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return mysql.NewStore(db)
}

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := mysql.Open(dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkMigrated checks that every migration was recorded once and that the
// schema is there.
func checkMigrated(t *testing.T, db *sql.DB) {
	t.Helper()
	var migrations, products int
	const q = `SELECT (SELECT COUNT(*) FROM schema_migrations), (SELECT COUNT(*) FROM products)`
	if err := db.QueryRowContext(t.Context(), q).Scan(&migrations, &products); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if migrations != 3 {
		t.Errorf("schema_migrations has %d rows, want 3", migrations)
	}
	var backfilled bool
	const done = `SELECT done_at IS NOT NULL FROM event_backfills WHERE name = 'ProductCreated'`
	if err := db.QueryRowContext(t.Context(), done).Scan(&backfilled); err != nil || !backfilled {
		t.Errorf("the ProductCreated backfill is not marked done: %v", err)
	}
}

// TestBackfill migrates a database that had products before the catalog
// had events (the migrations of then applied, by the same runner): Migrate
// writes one ProductCreated per product to the outbox, valid events of
// each product as it is, and a second Migrate writes none.
func TestBackfill(t *testing.T) {
	ctx := t.Context()
	db := open(t, mysqltest.External(t))
	then := fstest.MapFS{}
	for _, name := range []string{"001_categories.sql", "002_products.sql"} {
		b, err := os.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		then[name] = &fstest.MapFile{Data: b}
	}
	if err := mysqlx.Migrate(ctx, db, "catalog", then); err != nil {
		t.Fatalf("the schema before events: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO categories VALUES ('kitchen', 'Kitchen')`,
		`INSERT INTO products (id, sku, name, description, price_amount, price_currency, category, stock, status, version, created_at, updated_at) VALUES
			('01959ad0-0000-7000-8000-000000000001', 'K-1', 'Knife', '', 1200, 'USD', 'kitchen', 3, 'active', 4, NOW(6), NOW(6)),
			('01959ad0-0000-7000-8000-000000000002', 'K-2', 'Pan', '', 4500, 'EUR', 'kitchen', 0, 'archived', 7, NOW(6), NOW(6))`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := mysql.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	s := mysql.NewStore(db)
	events, err := s.Pending(ctx, time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if len(events) != 2 {
		t.Fatalf("the outbox holds %d events, want 2", len(events))
	}
	eventtest.CheckProduced(t, "../../events", events...)
	want := map[string]string{
		"01959ad0-0000-7000-8000-000000000001": `{"productId":"01959ad0-0000-7000-8000-000000000001","name":"Knife","price":{"amount":1200,"currency":"USD"},"status":"active","version":4}`,
		"01959ad0-0000-7000-8000-000000000002": `{"productId":"01959ad0-0000-7000-8000-000000000002","name":"Pan","price":{"amount":4500,"currency":"EUR"},"status":"archived","version":7}`,
	}
	for _, e := range events {
		if e.Type != catalog.TypeProductCreated || string(e.Data) != want[e.Subject] {
			t.Errorf("backfilled %s of %s with %s, want ProductCreated with %s", e.Type, e.Subject, e.Data, want[e.Subject])
		}
	}
}
