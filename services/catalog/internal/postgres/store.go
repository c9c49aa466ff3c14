package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/unavailable"
	"example.com/quartet/services/catalog/internal/catalog"
)

var _ catalog.Store = (*Store)(nil)

// Store is a catalog.Store on PostgreSQL, safe for concurrent use.
// Full-text search uses websearch_to_tsquery('english', …), so queries may
// use "quoted phrases", -exclusions and or.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store on pool, whose database Migrate has brought up
// to date.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// productColumns are the columns that scanProduct reads, in its order.
const productColumns = `id, sku, name, description, price_amount, price_currency,
	category, stock, status, version, created_at, updated_at`

// ratedColumns are the columns that scanRated reads from ratedProducts:
// a product and its rating, 0 and 0 for a product without reviews. The
// columns of products and product_ratings have distinct names, so none
// needs its table's name.
const (
	ratedColumns  = productColumns + `, coalesce(rating_count, 0), coalesce(rating_total, 0)`
	ratedProducts = `products LEFT JOIN product_ratings ON product_id = id`
)

// CreateProduct implements catalog.Store.
func (s *Store) CreateProduct(ctx context.Context, p catalog.Product, events ...event.Envelope) error {
	const q = `INSERT INTO products (` + productColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	r := toRow(p)
	err := inTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, r.ID, r.SKU, r.Name, r.Description, r.PriceAmount, r.PriceCurrency,
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
	if uuid.Validate(id) != nil {
		return catalog.Product{}, catalog.ErrNotFound
	}
	const q = `SELECT ` + ratedColumns + ` FROM ` + ratedProducts + ` WHERE id = $1`
	p, err := scanRated(s.pool.QueryRow(ctx, q, id))
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
	// Each filter adds its condition, so that every combination is a fixed
	// statement that pgx prepares once and PostgreSQL plans with the index
	// that fits it: products_active_id_idx, products_active_category_id_idx
	// or products_search_idx. One row more than the page tells whether
	// another page follows.
	const (
		selectActive = `SELECT ` + ratedColumns + ` FROM ` + ratedProducts + ` WHERE status = 'active'`
		inCategory   = ` AND category = @category`
		matching     = ` AND search @@ websearch_to_tsquery('english', @search)`
		after        = ` AND id < @after`
		newestFirst  = ` ORDER BY id DESC LIMIT @limit`
	)
	sql, args := selectActive, pgx.NamedArgs{"limit": limit + 1}
	if q.Category != "" {
		sql += inCategory
		args["category"] = q.Category
	}
	if q.Search != "" {
		sql += matching
		args["search"] = q.Search
	}
	if q.After != "" {
		sql += after
		args["after"] = q.After
	}
	sql += newestFirst

	rows, err := s.pool.Query(ctx, sql, args)
	if err != nil {
		return catalog.Page{}, storeError("list products", err)
	}
	products, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (catalog.Product, error) { return scanRated(row) })
	if err != nil {
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
// after the other.
func (s *Store) UpdateProduct(ctx context.Context, id string, update func(*catalog.Product) ([]event.Envelope, error)) (catalog.Product, error) {
	if uuid.Validate(id) != nil {
		return catalog.Product{}, catalog.ErrNotFound
	}
	var (
		saved   catalog.Product
		refused error // update's error, or the lost race it may not see
	)
	err := inTx(ctx, s.pool, func(tx pgx.Tx) error {
		refused = nil
		const lock = `SELECT ` + productColumns + ` FROM products WHERE id = $1 FOR UPDATE`
		p, err := scanProduct(tx.QueryRow(ctx, lock, id))
		if err != nil {
			return err
		}
		// The rating is read, not locked: only rating events change it.
		const rating = `SELECT rating_count, rating_total FROM product_ratings WHERE product_id = $1`
		err = tx.QueryRow(ctx, rating, id).Scan(&p.Rating.Count, &p.Rating.Total)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		read, rated := p.Version, p.Rating
		events, err := update(&p)
		if err != nil {
			refused = err
			return err
		}

		// The row is locked, so its version cannot have changed; the
		// condition makes sure of it.
		const save = `UPDATE products
			SET sku = $3, name = $4, description = $5, price_amount = $6, price_currency = $7,
				category = $8, stock = $9, status = $10, version = $11, updated_at = $12
			WHERE id = $1 AND version = $2
			RETURNING ` + productColumns
		r := toRow(p)
		saved, err = scanProduct(tx.QueryRow(ctx, save, id, read, r.SKU, r.Name, r.Description,
			r.PriceAmount, r.PriceCurrency, r.Category, r.Stock, r.Status, r.Version, r.UpdatedAt))
		if errors.Is(err, pgx.ErrNoRows) {
			refused = catalog.ErrVersionMismatch
			return refused
		}
		if err != nil {
			return err
		}
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
	const q = `INSERT INTO categories (slug, name) VALUES ($1, $2)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name`
	if _, err := s.pool.Exec(ctx, q, c.Slug, c.Name); err != nil {
		return storeError("create category", err)
	}
	return nil
}

// Categories implements catalog.Store. Names are ordered by the database's
// collation; equal names by slug.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	const q = `SELECT slug, name FROM categories ORDER BY name, slug`
	rows, err := s.pool.Query(ctx, q)
	if err != nil {
		return nil, storeError("list categories", err)
	}
	categories, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (catalog.Category, error) {
		var c catalog.Category
		err := row.Scan(&c.Slug, &c.Name)
		return c, err
	})
	if err != nil {
		return nil, storeError("list categories", err)
	}
	return categories, nil
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

func toRow(p catalog.Product) productRow {
	return productRow{
		ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description,
		PriceAmount: p.Price.Amount, PriceCurrency: p.Price.Currency,
		Category: p.Category, Stock: p.Stock, Status: string(p.Status), Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
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

// scanRated reads the ratedColumns of row.
func scanRated(row pgx.Row) (catalog.Product, error) {
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

// scanProduct reads the productColumns of row.
func scanProduct(row pgx.Row) (catalog.Product, error) {
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
// wraps err.
func storeError(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return catalog.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code + " " + pgErr.ConstraintName {
		case "23505 products_sku_key": // unique_violation
			return catalog.ErrDuplicateSKU
		case "23503 products_category_fkey": // foreign_key_violation
			return catalog.ErrUnknownCategory
		case "23514 products_stock_check": // check_violation
			return catalog.ErrInsufficientStock
		}
	}
	// A connection that broke before the statement was sent ("conn
	// closed" after a cut, a failed connect) is the server's unavailability,
	// which unavailable.Is cannot tell from pgconn's own error types.
	if pgconn.SafeToRetry(err) {
		err = unavailable.Mark(err)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}
