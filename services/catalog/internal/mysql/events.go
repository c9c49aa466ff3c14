package mysql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"example.com/quartet/packages/event"
	"example.com/quartet/packages/mysqlx"
	"example.com/quartet/services/catalog/internal/catalog"
)

// writeOutbox adds events to the outbox in tx.
func writeOutbox(ctx context.Context, tx *sql.Tx, events []event.Envelope) error {
	const q = `INSERT INTO outbox (id, created_at, envelope) VALUES (?, ?, ?)`
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", e.Type, e.ID, err)
		}
		if _, err := tx.ExecContext(ctx, q, e.ID, e.Time.UTC(), string(b)); err != nil {
			return err
		}
	}
	return nil
}

// Pending implements outbox.Store.
func (s *Store) Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	const q = `SELECT envelope FROM outbox WHERE created_at < ? ORDER BY created_at, id LIMIT ?`
	rows, err := s.db.QueryContext(ctx, q, before.UTC(), limit)
	if err != nil {
		return nil, storeError("read the outbox", err)
	}
	defer rows.Close()
	var events []event.Envelope
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, storeError("read the outbox", err)
		}
		var e event.Envelope
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("mysql: read the outbox: %w", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("read the outbox", err)
	}
	return events, nil
}

// Remove implements outbox.Store.
func (s *Store) Remove(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	q := `DELETE FROM outbox WHERE id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return storeError("remove from the outbox", err)
	}
	return nil
}

// claim records eventID as processed in tx and reports whether it was new.
// A concurrent claim of the same ID waits for this transaction's end.
func claim(ctx context.Context, tx *sql.Tx, eventID string) (bool, error) {
	const q = `INSERT IGNORE INTO processed_events (event_id, processed_at) VALUES (?, ?)`
	return inserted(tx.ExecContext(ctx, q, eventID, time.Now().UTC()))
}

// inserted reports whether an INSERT IGNORE inserted its row.
func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReserveStock implements catalog.Store: in one transaction, as in the
// PostgreSQL store, the event's ID and the order's decision are claimed,
// every line is taken with one conditional UPDATE in product-ID order, and
// a line that cannot be taken makes the transaction go back to the
// savepoint before the first and record the rejection instead. InnoDB's
// UPDATE reads the latest committed stock under the row's lock, whatever
// the isolation level. A deadlock or lock wait timeout reruns the whole
// transaction (mysqlx.InTx).
func (s *Store) ReserveStock(ctx context.Context, eventID string, o catalog.Order, announce func(catalog.StockDecision) (event.Envelope, error)) ([]event.Envelope, error) {
	var written []event.Envelope
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		written = nil
		now := time.Now().UTC()
		if fresh, err := claim(ctx, tx, eventID); err != nil || !fresh {
			return err
		}
		const decide = `INSERT IGNORE INTO reservations (order_id, status, created_at, updated_at) VALUES (?, 'reserved', ?, ?)`
		if fresh, err := inserted(tx.ExecContext(ctx, decide, o.ID, now, now)); err != nil || !fresh {
			return err // decided before: only the event's ID is new
		}

		if _, err := tx.ExecContext(ctx, `SAVEPOINT take_stock`); err != nil {
			return err
		}
		const take = `UPDATE products SET stock = stock - ?, version = version + 1, updated_at = ?
			WHERE id = ? AND status = 'active' AND stock >= ?`
		var failed []string
		for _, l := range o.Lines {
			id, ok := canonicalID(l.ProductID)
			if !ok {
				failed = append(failed, l.ProductID)
				continue
			}
			// Open sets ClientFoundRows: this counts the rows matched.
			taken, err := inserted(tx.ExecContext(ctx, take, l.Quantity, now, id, l.Quantity))
			if err != nil {
				return err
			}
			if !taken {
				failed = append(failed, l.ProductID)
			}
		}

		decision := catalog.StockDecision{Reserved: true}
		if len(failed) == 0 {
			const line = `INSERT INTO reservation_lines (order_id, product_id, quantity) VALUES (?, ?, ?)`
			for _, l := range o.Lines {
				if _, err := tx.ExecContext(ctx, line, o.ID, l.ProductID, l.Quantity); err != nil {
					return err
				}
			}
		} else {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT take_stock`); err != nil {
				return err
			}
			stock, err := productStock(ctx, tx, failed)
			if err != nil {
				return err
			}
			decision = catalog.Rejection(stock)
			const reject = `UPDATE reservations SET status = 'rejected' WHERE order_id = ?`
			if _, err := tx.ExecContext(ctx, reject, o.ID); err != nil {
				return err
			}
		}
		e, err := announce(decision)
		if err != nil {
			return err
		}
		if err := writeOutbox(ctx, tx, []event.Envelope{e}); err != nil {
			return err
		}
		written = []event.Envelope{e}
		return nil
	})
	if err != nil {
		return nil, storeError("reserve stock", err)
	}
	return written, nil
}

// productStock reads what tells why the lines of the products with the
// given IDs could not be reserved.
func productStock(ctx context.Context, tx *sql.Tx, ids []string) ([]catalog.ProductStock, error) {
	out := make([]catalog.ProductStock, len(ids))
	const q = `SELECT status, stock FROM products WHERE id = ?`
	for i, id := range ids {
		out[i] = catalog.ProductStock{ProductID: id}
		canonical, ok := canonicalID(id)
		if !ok {
			continue
		}
		var status string
		err := tx.QueryRowContext(ctx, q, canonical).Scan(&status, &out[i].Stock)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			out[i].Found, out[i].Status = true, catalog.Status(status)
		}
	}
	return out, nil
}

// ReleaseStock implements catalog.Store, as the PostgreSQL store does: a
// tombstone is claimed first (INSERT IGNORE), then a reserved order's row
// is locked while its stock is put back.
func (s *Store) ReleaseStock(ctx context.Context, eventID, orderID string) (bool, error) {
	var released bool
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		released = false
		now := time.Now().UTC()
		if fresh, err := claim(ctx, tx, eventID); err != nil || !fresh {
			return err
		}
		const tombstone = `INSERT IGNORE INTO reservations (order_id, status, created_at, updated_at) VALUES (?, 'released', ?, ?)`
		if fresh, err := inserted(tx.ExecContext(ctx, tombstone, orderID, now, now)); err != nil || fresh {
			return err
		}
		var status string
		const lock = `SELECT status FROM reservations WHERE order_id = ? FOR UPDATE`
		if err := tx.QueryRowContext(ctx, lock, orderID).Scan(&status); err != nil {
			return err
		}
		if catalog.ReservationStatus(status) != catalog.ReservationReserved {
			return nil
		}
		taken, err := reservedLines(ctx, tx, orderID)
		if err != nil {
			return err
		}
		const putBack = `UPDATE products SET stock = stock + ?, version = version + 1, updated_at = ? WHERE id = ?`
		for _, l := range taken {
			if _, err := tx.ExecContext(ctx, putBack, l.Quantity, now, l.ProductID); err != nil {
				return err
			}
		}
		const release = `UPDATE reservations SET status = 'released', updated_at = ? WHERE order_id = ?`
		if _, err := tx.ExecContext(ctx, release, now, orderID); err != nil {
			return err
		}
		released = true
		return nil
	})
	if err != nil {
		return false, storeError("release stock", err)
	}
	return released, nil
}

// reservedLines returns the lines reserved for the order, in product-ID
// order, locked (a locking read: the latest committed lines, whatever the
// transaction's snapshot).
func reservedLines(ctx context.Context, tx *sql.Tx, orderID string) ([]catalog.OrderLine, error) {
	const q = `SELECT product_id, quantity FROM reservation_lines WHERE order_id = ? ORDER BY product_id FOR UPDATE`
	rows, err := tx.QueryContext(ctx, q, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []catalog.OrderLine
	for rows.Next() {
		var l catalog.OrderLine
		if err := rows.Scan(&l.ProductID, &l.Quantity); err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	return lines, rows.Err()
}

// RecordRating implements catalog.Store.
func (s *Store) RecordRating(ctx context.Context, eventID, productID string, d catalog.RatingDelta) (bool, error) {
	id, ok := canonicalID(productID)
	if !ok {
		return false, fmt.Errorf("mysql: record rating: product ID %q is not a UUID", productID)
	}
	var applied bool
	err := mysqlx.InTx(ctx, s.db, func(tx *sql.Tx) error {
		fresh, err := claim(ctx, tx, eventID)
		if applied = fresh; err != nil || !fresh {
			return err
		}
		// VALUES() in ON DUPLICATE KEY UPDATE is deprecated on MySQL 8 and
		// its replacement is not MariaDB's: pass the deltas twice.
		const add = `INSERT INTO product_ratings (product_id, rating_count, rating_total) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE rating_count = rating_count + ?, rating_total = rating_total + ?`
		_, err = tx.ExecContext(ctx, add, id, d.Count, d.Total, d.Count, d.Total)
		return err
	})
	if err != nil {
		return false, storeError("record rating", err)
	}
	return applied, nil
}

// ForgetProcessed implements catalog.Store.
func (s *Store) ForgetProcessed(ctx context.Context, before time.Time) (int, error) {
	const q = `DELETE FROM processed_events WHERE processed_at < ?`
	res, err := s.db.ExecContext(ctx, q, before.UTC())
	if err != nil {
		return 0, storeError("forget processed events", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// backfill writes, once, a ProductCreated event for every product to the
// outbox, in one transaction with the mark that it is done
// (event_backfills, whose row the migration that added the outbox
// inserted). A concurrent Migrate waits on the mark's row lock, then finds
// it done.
func backfill(ctx context.Context, db *sql.DB) error {
	return mysqlx.InTx(ctx, db, func(tx *sql.Tx) error {
		var done sql.NullTime
		const lock = `SELECT done_at FROM event_backfills WHERE name = 'ProductCreated' FOR UPDATE`
		switch err := tx.QueryRowContext(ctx, lock).Scan(&done); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return err
		case done.Valid:
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+productColumns+` FROM products ORDER BY id`)
		if err != nil {
			return err
		}
		var products []catalog.Product
		for rows.Next() {
			p, err := scanProduct(rows)
			if err != nil {
				rows.Close()
				return err
			}
			products = append(products, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := time.Now().UTC()
		events := make([]event.Envelope, len(products))
		for i, p := range products {
			if events[i], err = catalog.ProductCreatedEvent(ctx, p, now); err != nil {
				return err
			}
		}
		if err := writeOutbox(ctx, tx, events); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE event_backfills SET done_at = ? WHERE name = 'ProductCreated'`, now)
		return err
	})
}
