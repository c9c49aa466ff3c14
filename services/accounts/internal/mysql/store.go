// Package mysql implements accounts.Store on MySQL with
// github.com/go-sql-driver/mysql. Its SQL runs unchanged on MySQL 8,
// Vitess (PlanetScale), MariaDB and go-mysql-server: no foreign keys, no
// JSON operators, no utf8mb4_0900_* collations.
//
// Concurrency: profile updates are optimistic (UPDATE … WHERE id = ? AND
// version = ?, read again on a miss); throttle and address changes lock the
// customer's row (SELECT … FOR UPDATE) inside a transaction. Transactions
// that end in a deadlock (1213) or a lock wait timeout (1205) are retried a
// few times.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/packages/optimistic"
	"example.com/quartet/services/accounts/internal/accounts"
)

var _ accounts.Store = (*Store)(nil)

// Store is an accounts.Store on a MySQL database migrated by Migrate.
type Store struct {
	db *sql.DB
}

// NewStore returns a Store on db.
func NewStore(db *sql.DB) *Store { return &Store{db: db} }

// customerRow is a customers row.
type customerRow struct {
	ID            string
	Email         string
	DisplayName   string
	PasswordHash  string
	Roles         string // comma-separated, sorted
	Version       int
	FailedSignIns int
	LockedUntil   sql.NullTime
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const customerColumns = `id, email, display_name, password_hash, roles, version, failed_sign_ins, locked_until, created_at, updated_at`

func scanCustomer(row interface{ Scan(...any) error }) (accounts.Customer, error) {
	var r customerRow
	err := row.Scan(&r.ID, &r.Email, &r.DisplayName, &r.PasswordHash, &r.Roles, &r.Version,
		&r.FailedSignIns, &r.LockedUntil, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.Customer{}, accounts.ErrNotFound
	}
	if err != nil {
		return accounts.Customer{}, err
	}
	return r.toCustomer(), nil
}

func (r customerRow) toCustomer() accounts.Customer {
	var roles []accounts.Role
	for _, role := range strings.Split(r.Roles, ",") {
		roles = append(roles, accounts.Role(role))
	}
	return accounts.Customer{
		ID: r.ID, Email: r.Email, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		Roles: roles, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Throttle: accounts.Throttle{Failures: r.FailedSignIns, LockedUntil: fromNullTime(r.LockedUntil)},
	}
}

func rolesColumn(roles []accounts.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func toNullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func fromNullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// stored returns t as a DATETIME(6) column gives it back.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CreateCustomer implements accounts.Store. Every duplicate-key error is
// taken for a duplicate email: the only other unique key is the UUIDv7 ID.
func (s *Store) CreateCustomer(ctx context.Context, c accounts.Customer) error {
	const q = `INSERT INTO customers (` + customerColumns + `, email_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := s.db.ExecContext(ctx, q, c.ID, c.Email, c.DisplayName, c.PasswordHash, rolesColumn(c.Roles),
		c.Version, c.Throttle.Failures, toNullTime(c.Throttle.LockedUntil), c.CreatedAt.UTC(), c.UpdatedAt.UTC(),
		accounts.EmailKey(c.Email))
	if mysqlx.IsDuplicate(err) {
		return accounts.ErrDuplicateEmail
	}
	if err != nil {
		return wrap("create account", err)
	}
	return nil
}

// Customer implements accounts.Store.
func (s *Store) Customer(ctx context.Context, id string) (accounts.Customer, error) {
	const q = `SELECT ` + customerColumns + ` FROM customers WHERE id = ?`
	c, err := scanCustomer(s.db.QueryRowContext(ctx, q, id))
	if err != nil && !errors.Is(err, accounts.ErrNotFound) {
		return accounts.Customer{}, wrap("read account", err)
	}
	return c, err
}

// CustomerByEmail implements accounts.Store.
func (s *Store) CustomerByEmail(ctx context.Context, email string) (accounts.Customer, error) {
	const q = `SELECT ` + customerColumns + ` FROM customers WHERE email_key = ?`
	c, err := scanCustomer(s.db.QueryRowContext(ctx, q, accounts.EmailKey(email)))
	if err != nil && !errors.Is(err, accounts.ErrNotFound) {
		return accounts.Customer{}, wrap("read account by email", err)
	}
	return c, err
}

// UpdateCustomer implements accounts.Store with optimistic concurrency: it
// reads the row without locking it and saves with UPDATE … WHERE version =
// the version read. When that matches no row, someone else saved first: it
// reads again and calls update again, as packages/optimistic says, and
// then returns ErrConflict.
func (s *Store) UpdateCustomer(ctx context.Context, id string, update func(*accounts.Customer) error) (accounts.Customer, error) {
	for try := range optimistic.Attempts {
		old, err := s.Customer(ctx, id)
		if err != nil {
			return accounts.Customer{}, err
		}
		next := old
		next.Roles = slices.Clone(old.Roles)
		if err := update(&next); err != nil {
			return accounts.Customer{}, err
		}
		if err := optimistic.NextVersion(old.Version, next.Version); err != nil {
			return accounts.Customer{}, fmt.Errorf("update account %s: %w", id, err)
		}
		next.ID, next.CreatedAt, next.Throttle = old.ID, old.CreatedAt, old.Throttle
		next.UpdatedAt = stored(next.UpdatedAt)

		const q = `UPDATE customers
SET email = ?, email_key = ?, display_name = ?, password_hash = ?, roles = ?, version = ?, updated_at = ?
WHERE id = ? AND version = ?`
		res, err := s.db.ExecContext(ctx, q, next.Email, accounts.EmailKey(next.Email), next.DisplayName,
			next.PasswordHash, rolesColumn(next.Roles), next.Version, next.UpdatedAt, id, old.Version)
		switch {
		case mysqlx.IsDuplicate(err):
			return accounts.Customer{}, accounts.ErrDuplicateEmail
		case mysqlx.IsRetryable(err):
			// Read again below.
		case err != nil:
			return accounts.Customer{}, wrap("update account", err)
		default:
			n, err := res.RowsAffected()
			if err != nil {
				return accounts.Customer{}, wrap("update account", err)
			}
			if n == 1 {
				return next, nil
			}
		}
		if err := optimistic.Backoff(ctx, try); err != nil {
			return accounts.Customer{}, err
		}
	}
	return accounts.Customer{}, fmt.Errorf("update account %s: %w", id, accounts.ErrConflict)
}

// UpdateThrottle implements accounts.Store: it locks the customer's row for
// the read-modify-write, so concurrent failures queue instead of
// overwriting each other.
func (s *Store) UpdateThrottle(ctx context.Context, id string, update func(*accounts.Throttle) error) (accounts.Throttle, error) {
	var t accounts.Throttle
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		var lockedUntil sql.NullTime
		const q = `SELECT failed_sign_ins, locked_until FROM customers WHERE id = ? FOR UPDATE`
		err := tx.QueryRowContext(ctx, q, id).Scan(&t.Failures, &lockedUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return accounts.ErrNotFound
		}
		if err != nil {
			return err
		}
		t.LockedUntil = fromNullTime(lockedUntil)
		if err := update(&t); err != nil {
			return err
		}
		if !t.LockedUntil.IsZero() {
			t.LockedUntil = stored(t.LockedUntil)
		}
		const u = `UPDATE customers SET failed_sign_ins = ?, locked_until = ? WHERE id = ?`
		_, err = tx.ExecContext(ctx, u, t.Failures, toNullTime(t.LockedUntil), id)
		return err
	})
	if err != nil {
		return accounts.Throttle{}, wrap("update sign-in throttle", err)
	}
	return t, nil
}

// addressRow is an addresses row.
type addressRow struct {
	ID                  string
	Name                string
	Line1, Line2, Line3 string
	City                string
	PostalCode          string
	Country             string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

const addressColumns = `id, name, line1, line2, line3, city, postal_code, country, created_at, updated_at`

func scanAddress(row interface{ Scan(...any) error }) (accounts.Address, error) {
	var r addressRow
	err := row.Scan(&r.ID, &r.Name, &r.Line1, &r.Line2, &r.Line3, &r.City, &r.PostalCode, &r.Country, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.Address{}, accounts.ErrAddressNotFound
	}
	if err != nil {
		return accounts.Address{}, err
	}
	lines := []string{r.Line1}
	for _, l := range []string{r.Line2, r.Line3} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return accounts.Address{
		ID: r.ID, Name: r.Name, Lines: lines, City: r.City, PostalCode: r.PostalCode, Country: r.Country,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

// lineColumns spreads an address's lines over line1..line3. The domain
// allows 1 to 3 non-empty lines.
func lineColumns(lines []string) (l1, l2, l3 string) {
	var l [accounts.MaxAddressLines]string
	copy(l[:], lines)
	return l[0], l[1], l[2]
}

// Addresses implements accounts.Store.
func (s *Store) Addresses(ctx context.Context, customerID string) ([]accounts.Address, error) {
	const q = `SELECT ` + addressColumns + ` FROM addresses WHERE customer_id = ? ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, customerID)
	if err != nil {
		return nil, wrap("list addresses", err)
	}
	defer rows.Close()
	list := []accounts.Address{}
	for rows.Next() {
		a, err := scanAddress(rows)
		if err != nil {
			return nil, wrap("list addresses", err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list addresses", err)
	}
	return list, nil
}

// AddAddress implements accounts.Store. It locks the customer's row, so
// concurrent additions count one after the other.
func (s *Store) AddAddress(ctx context.Context, customerID string, a accounts.Address) error {
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		if err := lockCustomer(ctx, tx, customerID); err != nil {
			return err
		}
		var n int
		const count = `SELECT COUNT(*) FROM addresses WHERE customer_id = ?`
		if err := tx.QueryRowContext(ctx, count, customerID).Scan(&n); err != nil {
			return err
		}
		if n >= accounts.MaxAddresses {
			return accounts.ErrTooManyAddresses
		}
		l1, l2, l3 := lineColumns(a.Lines)
		const q = `INSERT INTO addresses (customer_id, ` + addressColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		_, err := tx.ExecContext(ctx, q, customerID, a.ID, a.Name, l1, l2, l3, a.City, a.PostalCode, a.Country,
			a.CreatedAt.UTC(), a.UpdatedAt.UTC())
		return err
	})
	return wrap("add address", err)
}

// UpdateAddress implements accounts.Store.
func (s *Store) UpdateAddress(ctx context.Context, customerID, id string, update func(*accounts.Address) error) (accounts.Address, error) {
	var next accounts.Address
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		const q = `SELECT ` + addressColumns + ` FROM addresses WHERE customer_id = ? AND id = ? FOR UPDATE`
		old, err := scanAddress(tx.QueryRowContext(ctx, q, customerID, id))
		if err != nil {
			return err
		}
		next = old
		next.Lines = slices.Clone(old.Lines)
		if err := update(&next); err != nil {
			return err
		}
		next.ID, next.CreatedAt, next.UpdatedAt = old.ID, old.CreatedAt, stored(next.UpdatedAt)
		l1, l2, l3 := lineColumns(next.Lines)
		const u = `UPDATE addresses
SET name = ?, line1 = ?, line2 = ?, line3 = ?, city = ?, postal_code = ?, country = ?, updated_at = ?
WHERE customer_id = ? AND id = ?`
		_, err = tx.ExecContext(ctx, u, next.Name, l1, l2, l3, next.City, next.PostalCode, next.Country,
			next.UpdatedAt, customerID, id)
		return err
	})
	if err != nil {
		return accounts.Address{}, wrap("update address", err)
	}
	return next, nil
}

// DeleteAddress implements accounts.Store.
func (s *Store) DeleteAddress(ctx context.Context, customerID, id string) error {
	const q = `DELETE FROM addresses WHERE customer_id = ? AND id = ?`
	res, err := s.db.ExecContext(ctx, q, customerID, id)
	if err != nil {
		return wrap("delete address", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("delete address", err)
	}
	if n == 0 {
		return accounts.ErrAddressNotFound
	}
	return nil
}

// lockCustomer locks the customer's row until the transaction ends. It
// returns accounts.ErrNotFound when there is no such customer.
func lockCustomer(ctx context.Context, tx *sql.Tx, id string) error {
	var got string
	const q = `SELECT id FROM customers WHERE id = ? FOR UPDATE`
	err := tx.QueryRowContext(ctx, q, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.ErrNotFound
	}
	return err
}

// wrap adds context to driver errors, marking those of a server that is
// unavailable or too slow for a 503 (mysqlx.Classify), and leaves domain
// errors and the update closures' errors as they are, so callers can match
// them.
func wrap(op string, err error) error {
	if err == nil || mysqlx.ErrorNumber(err) == 0 {
		return mysqlx.Classify(err)
	}
	return fmt.Errorf("%s: %w", op, mysqlx.Classify(err))
}
