package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/catalog/internal/catalog"
)

var _ catalog.Store = (*Store)(nil)

// Store is a catalog.Store on MySQL or MariaDB, safe for concurrent use.
//
// Full-text search requires every word of the query (see booleanQuery) and
// matches whole words, without PostgreSQL's english stemming: "tables"
// does not find "table". Matching ignores case and accents
// (utf8mb4_unicode_ci).
type Store struct {
	db *sql.DB
}

// NewStore returns a Store on db, a pool from Open whose database Migrate
// has brought up to date.
func NewStore(db *sql.DB) *Store { return &Store{db: db} }

// productColumns are the columns that scanProduct reads, in its order.
const productColumns = `id, sku, name, description, price_amount, price_currency,
	category, stock, status, version, created_at, updated_at`

// ratedColumns are the columns that scanRated reads from ratedProducts:
// a product and its rating, 0 and 0 for a product without reviews. The
// columns of products and product_ratings have distinct names.
const (
	ratedColumns  = productColumns + `, COALESCE(rating_count, 0), COALESCE(rating_total, 0)`
	ratedProducts = `products LEFT JOIN product_ratings ON product_id = id`
)

// CreateProduct implements catalog.Store. The foreign key to categories
// refuses an unknown category.
func (s *Store) CreateProduct(ctx context.Context, p catalog.Product, events ...event.Envelope) error {
	const q = `INSERT INTO products (` + productColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	r := toRow(p)
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, q, r.ID, r.SKU, r.Name, r.Description, r.PriceAmount, r.PriceCurrency,
			r.Category, r.Stock, r.Status, r.Version, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		return writeOutbox(ctx, tx, events)
	})
	if err != nil {
		return storeError("create product", err)
	}
	return nil
}

// Product implements catalog.Store.
func (s *Store) Product(ctx context.Context, id string) (catalog.Product, error) {
	id, ok := canonicalID(id)
	if !ok {
		return catalog.Product{}, catalog.ErrNotFound
	}
	const q = `SELECT ` + ratedColumns + ` FROM ` + ratedProducts + ` WHERE id = ?`
	p, err := scanRated(s.db.QueryRowContext(ctx, q, id))
	if err != nil {
		return catalog.Product{}, storeError("read product", err)
	}
	return p, nil
}

// Products implements catalog.Store.
func (s *Store) Products(ctx context.Context, q catalog.Query) (catalog.Page, error) {
	limit := q.Limit
	if limit < 1 || limit > catalog.MaxLimit {
		limit = catalog.DefaultLimit
	}
	// Each filter adds its condition. Without a search, MySQL walks
	// products_status_id_idx or products_category_status_id_idx backwards
	// from the cursor; with one, it reads the full-text matches and sorts
	// them by ID. One row more than the page tells whether another page
	// follows.
	const (
		selectActive = `SELECT ` + ratedColumns + ` FROM ` + ratedProducts + ` WHERE status = 'active'`
		inCategory   = ` AND category = ?`
		matching     = ` AND MATCH (name, description) AGAINST (? IN BOOLEAN MODE)`
		after        = ` AND id < ?`
		newestFirst  = ` ORDER BY id DESC LIMIT ?`
	)
	query, args := selectActive, []any{}
	if q.Category != "" {
		query += inCategory
		args = append(args, q.Category)
	}
	if q.Search != "" {
		terms := booleanQuery(q.Search)
		if terms == "" {
			return catalog.Page{}, nil // only stopwords or punctuation: no match
		}
		query += matching
		args = append(args, terms)
	}
	if q.After != "" {
		id, ok := canonicalID(q.After)
		if !ok {
			return catalog.Page{}, fmt.Errorf("mysql: list products: cursor %q is not a product ID", q.After)
		}
		query += after
		args = append(args, id)
	}
	query += newestFirst
	args = append(args, limit+1)

	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return catalog.Page{}, storeError("list products", err)
	}
	defer rows.Close()
	var products []catalog.Product
	for rows.Next() {
		p, err := scanRated(rows)
		if err != nil {
			return catalog.Page{}, storeError("list products", err)
		}
		products = append(products, p)
	}
	if err := rows.Err(); err != nil {
		return catalog.Page{}, storeError("list products", err)
	}
	var page catalog.Page
	if len(products) > limit {
		products = products[:limit]
		page.Next = products[limit-1].ID
	}
	page.Products = products
	return page, nil
}

// UpdateProduct implements catalog.Store. It locks the product's row for
// the duration of update, so concurrent updates of one product run one
// after the other; a transaction that ends in a deadlock or lock wait
// timeout runs again, update included.
func (s *Store) UpdateProduct(ctx context.Context, id string, update func(*catalog.Product) ([]event.Envelope, error)) (catalog.Product, error) {
	id, ok := canonicalID(id)
	if !ok {
		return catalog.Product{}, catalog.ErrNotFound
	}
	var (
		saved   catalog.Product
		refused error // update's error, or the store's refusal of its result
	)
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		refused = nil
		const lock = `SELECT ` + productColumns + ` FROM products WHERE id = ? FOR UPDATE`
		p, err := scanProduct(tx.QueryRowContext(ctx, lock, id))
		if err != nil {
			return err
		}
		// The rating is read, not locked: only rating events change it.
		const rating = `SELECT rating_count, rating_total FROM product_ratings WHERE product_id = ?`
		err = tx.QueryRowContext(ctx, rating, id).Scan(&p.Rating.Count, &p.Rating.Total)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		read, rated := p.Version, p.Rating
		events, err := update(&p)
		if err != nil {
			refused = err
			return refused
		}
		// The CHECK constraint refuses a negative stock too; this says so
		// without a round trip, and on servers that ignore CHECK.
		if p.Stock < 0 {
			refused = catalog.ErrInsufficientStock
			return refused
		}

		// The row is locked, so its version cannot have changed; the
		// condition makes sure of it.
		const save = `UPDATE products
			SET sku = ?, name = ?, description = ?, price_amount = ?, price_currency = ?,
				category = ?, stock = ?, status = ?, version = ?, updated_at = ?
			WHERE id = ? AND version = ?`
		r := toRow(p)
		res, err := tx.ExecContext(ctx, save, r.SKU, r.Name, r.Description, r.PriceAmount, r.PriceCurrency,
			r.Category, r.Stock, r.Status, r.Version, r.UpdatedAt, id, read)
		if err != nil {
			return err
		}
		// Open sets ClientFoundRows: this counts the rows matched.
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n != 1 {
			refused = catalog.ErrVersionMismatch
			return refused
		}
		saved = fromRow(r)
		saved.Rating = rated
		return writeOutbox(ctx, tx, events)
	})
	switch {
	case refused != nil:
		return catalog.Product{}, refused
	case err != nil:
		return catalog.Product{}, storeError("update product", err)
	}
	return saved, nil
}

// CreateCategory implements catalog.Store.
func (s *Store) CreateCategory(ctx context.Context, c catalog.Category) error {
	// ON DUPLICATE KEY UPDATE name = VALUES(name) is deprecated on MySQL 8
	// and the "AS new" alias that replaces it is not MariaDB's: pass the
	// name twice.
	const q = `INSERT INTO categories (slug, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = ?`
	if _, err := s.db.ExecContext(ctx, q, c.Slug, c.Name, c.Name); err != nil {
		return storeError("create category", err)
	}
	return nil
}

// Categories implements catalog.Store. Names are ordered by
// utf8mb4_unicode_ci; equal names by slug.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	const q = `SELECT slug, name FROM categories ORDER BY name, slug`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, storeError("list categories", err)
	}
	defer rows.Close()
	var categories []catalog.Category
	for rows.Next() {
		var c catalog.Category
		if err := rows.Scan(&c.Slug, &c.Name); err != nil {
			return nil, storeError("list categories", err)
		}
		categories = append(categories, c)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("list categories", err)
	}
	return categories, nil
}

// canonicalID returns id in the lower-case hyphenated form the table holds
// (PostgreSQL's uuid type accepts the other forms too), and whether id is a
// UUID at all.
func canonicalID(id string) (string, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// productRow is a row of the products table.
type productRow struct {
	ID            string
	SKU           string
	Name          string
	Description   string
	PriceAmount   int64
	PriceCurrency string
	Category      string
	Stock         int
	Status        string
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// toRow converts p, with its times as the table stores them: UTC, to the
// microsecond.
func toRow(p catalog.Product) productRow {
	return productRow{
		ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description,
		PriceAmount: p.Price.Amount, PriceCurrency: p.Price.Currency,
		Category: p.Category, Stock: p.Stock, Status: string(p.Status), Version: p.Version,
		CreatedAt: p.CreatedAt.UTC().Truncate(time.Microsecond), UpdatedAt: p.UpdatedAt.UTC().Truncate(time.Microsecond),
	}
}

func fromRow(r productRow) catalog.Product {
	return catalog.Product{
		ID: r.ID, SKU: r.SKU, Name: r.Name, Description: r.Description,
		Price:    catalog.Money{Amount: r.PriceAmount, Currency: r.PriceCurrency},
		Category: r.Category, Stock: r.Stock, Status: catalog.Status(r.Status), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// scanRated reads the ratedColumns of row, a *sql.Row or *sql.Rows.
func scanRated(row interface{ Scan(...any) error }) (catalog.Product, error) {
	var (
		r      productRow
		rating catalog.Rating
	)
	err := row.Scan(&r.ID, &r.SKU, &r.Name, &r.Description, &r.PriceAmount, &r.PriceCurrency,
		&r.Category, &r.Stock, &r.Status, &r.Version, &r.CreatedAt, &r.UpdatedAt, &rating.Count, &rating.Total)
	if err != nil {
		return catalog.Product{}, err
	}
	p := fromRow(r)
	p.Rating = rating
	return p, nil
}

// scanProduct reads the productColumns of row, a *sql.Row or *sql.Rows.
func scanProduct(row interface{ Scan(...any) error }) (catalog.Product, error) {
	var r productRow
	err := row.Scan(&r.ID, &r.SKU, &r.Name, &r.Description, &r.PriceAmount, &r.PriceCurrency,
		&r.Category, &r.Stock, &r.Status, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return catalog.Product{}, err
	}
	return fromRow(r), nil
}

// storeError turns err, from doing what, into a catalog error when the
// database refused the change for a reason the catalog names; otherwise it
// wraps err. Constraints are told apart by the name the server's message
// gives: MySQL and MariaDB word their messages differently, but both name
// the key or constraint.
func storeError(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.ErrNotFound
	}
	named := func(name string) bool { return strings.Contains(err.Error(), name) }
	switch mysqlx.ErrorNumber(err) {
	case mysqlx.ErrDuplicateEntry:
		if named("products_sku_key") {
			return catalog.ErrDuplicateSKU
		}
	case mysqlx.ErrNoReferencedRow:
		if named("products_category_fkey") {
			return catalog.ErrUnknownCategory
		}
	case mysqlx.ErrCheckViolated, mysqlx.ErrConstraintFailed:
		if named("products_stock_check") {
			return catalog.ErrInsufficientStock
		}
	}
	return fmt.Errorf("mysql: %s: %w", what, mysqlx.Classify(err))
}
