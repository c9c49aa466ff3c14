package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/quartet/packages/event"
	"example.com/quartet/services/catalog/internal/catalog"
)

// txAttempts bounds the runs of a transaction that ends in a serialization
// failure or a deadlock. The catalog's transactions run at READ COMMITTED
// and lock products in ID order, so neither is expected; a lock wait past
// lock_timeout is not retried here: it is the store's unavailability, and
// the caller (the request, or the bus) tries again later.
const txAttempts = 3

// inTx runs fn in a transaction and commits it, running it again when the
// transaction ends in a serialization failure (40001) or a deadlock
// (40P01). fn must be safe to run again.
func inTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = pgx.BeginFunc(ctx, pool, fn)
		if attempt == txAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// writeOutbox adds events to the outbox in tx.
func writeOutbox(ctx context.Context, tx pgx.Tx, events []event.Envelope) error {
	const q = `INSERT INTO outbox (id, created_at, envelope) VALUES ($1, $2, $3)`
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", e.Type, e.ID, err)
		}
		if _, err := tx.Exec(ctx, q, e.ID, e.Time, string(b)); err != nil {
			return err
		}
	}
	return nil
}

// Pending implements outbox.Store.
func (s *Store) Pending(ctx context.Context, before time.Time, limit int) ([]event.Envelope, error) {
	const q = `SELECT envelope FROM outbox WHERE created_at < $1 ORDER BY created_at, id LIMIT $2`
	rows, err := s.pool.Query(ctx, q, before, limit)
	if err != nil {
		return nil, storeError("read the outbox", err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (event.Envelope, error) {
		var b []byte
		if err := row.Scan(&b); err != nil {
			return event.Envelope{}, err
		}
		var e event.Envelope
		err := json.Unmarshal(b, &e)
		return e, err
	})
	if err != nil {
		return nil, storeError("read the outbox", err)
	}
	return events, nil
}

// Remove implements outbox.Store.
func (s *Store) Remove(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	const q = `DELETE FROM outbox WHERE id = ANY($1::uuid[])`
	if _, err := s.pool.Exec(ctx, q, ids); err != nil {
		return storeError("remove from the outbox", err)
	}
	return nil
}

// claim records eventID as processed in tx and reports whether it was new.
// A concurrent claim of the same ID waits for this transaction's end.
func claim(ctx context.Context, tx pgx.Tx, eventID string) (bool, error) {
	const q = `INSERT INTO processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	tag, err := tx.Exec(ctx, q, eventID, time.Now().UTC())
	return tag.RowsAffected() == 1, err
}

// ReserveStock implements catalog.Store. In one transaction: the event's ID
// and the order's decision are claimed first (a concurrent duplicate waits
// for this transaction, then finds them); then every line is taken with one
// conditional UPDATE, in product-ID order, so that concurrent reservations
// lock products in the same order. When a line cannot be taken, the
// transaction goes back to the savepoint before the first line and records
// the rejection instead.
func (s *Store) ReserveStock(ctx context.Context, eventID string, o catalog.Order, announce func(catalog.StockDecision) (event.Envelope, error)) ([]event.Envelope, error) {
	var written []event.Envelope
	err := inTx(ctx, s.pool, func(tx pgx.Tx) error {
		written = nil
		now := time.Now().UTC()
		if fresh, err := claim(ctx, tx, eventID); err != nil || !fresh {
			return err
		}
		const decide = `INSERT INTO reservations (order_id, status, created_at, updated_at)
			VALUES ($1, 'reserved', $2, $2) ON CONFLICT DO NOTHING`
		tag, err := tx.Exec(ctx, decide, o.ID, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err // decided before: only the event's ID is new
		}

		if _, err := tx.Exec(ctx, `SAVEPOINT take_stock`); err != nil {
			return err
		}
		const take = `UPDATE products SET stock = stock - $2, version = version + 1, updated_at = $3
			WHERE id = $1 AND status = 'active' AND stock >= $2`
		var failed []string
		for _, l := range o.Lines {
			if uuid.Validate(l.ProductID) != nil {
				failed = append(failed, l.ProductID)
				continue
			}
			tag, err := tx.Exec(ctx, take, l.ProductID, l.Quantity, now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				failed = append(failed, l.ProductID)
			}
		}

		decision := catalog.StockDecision{Reserved: true}
		if len(failed) == 0 {
			const line = `INSERT INTO reservation_lines (order_id, product_id, quantity) VALUES ($1, $2, $3)`
			for _, l := range o.Lines {
				if _, err := tx.Exec(ctx, line, o.ID, l.ProductID, l.Quantity); err != nil {
					return err
				}
			}
		} else {
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT take_stock`); err != nil {
				return err
			}
			stock, err := productStock(ctx, tx, failed)
			if err != nil {
				return err
			}
			decision = catalog.Rejection(stock)
			const reject = `UPDATE reservations SET status = 'rejected' WHERE order_id = $1`
			if _, err := tx.Exec(ctx, reject, o.ID); err != nil {
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
func productStock(ctx context.Context, tx pgx.Tx, ids []string) ([]catalog.ProductStock, error) {
	found := make(map[string]catalog.ProductStock)
	var valid []string
	for _, id := range ids {
		if uuid.Validate(id) == nil {
			valid = append(valid, id)
		}
	}
	const q = `SELECT id, status, stock FROM products WHERE id = ANY($1::uuid[])`
	rows, err := tx.Query(ctx, q, valid)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			s      catalog.ProductStock
			status string
		)
		if err := rows.Scan(&s.ProductID, &status, &s.Stock); err != nil {
			rows.Close()
			return nil, err
		}
		s.Found, s.Status = true, catalog.Status(status)
		found[s.ProductID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]catalog.ProductStock, len(ids))
	for i, id := range ids {
		s, ok := found[id]
		if !ok {
			s = catalog.ProductStock{ProductID: id}
		}
		out[i] = s
	}
	return out, nil
}

// ReleaseStock implements catalog.Store. A tombstone is claimed first
// (INSERT … ON CONFLICT DO NOTHING), so that an OrderPlaced handled at the
// same time either finds it or has decided first; a reserved order's row is
// then locked while its stock is put back.
func (s *Store) ReleaseStock(ctx context.Context, eventID, orderID string) (bool, error) {
	var released bool
	err := inTx(ctx, s.pool, func(tx pgx.Tx) error {
		released = false
		now := time.Now().UTC()
		if fresh, err := claim(ctx, tx, eventID); err != nil || !fresh {
			return err
		}
		const tombstone = `INSERT INTO reservations (order_id, status, created_at, updated_at)
			VALUES ($1, 'released', $2, $2) ON CONFLICT DO NOTHING`
		tag, err := tx.Exec(ctx, tombstone, orderID, now)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var status string
		const lock = `SELECT status FROM reservations WHERE order_id = $1 FOR UPDATE`
		if err := tx.QueryRow(ctx, lock, orderID).Scan(&status); err != nil {
			return err
		}
		if catalog.ReservationStatus(status) != catalog.ReservationReserved {
			return nil
		}
		const lines = `SELECT product_id, quantity FROM reservation_lines WHERE order_id = $1 ORDER BY product_id`
		rows, err := tx.Query(ctx, lines, orderID)
		if err != nil {
			return err
		}
		taken, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (catalog.OrderLine, error) {
			var l catalog.OrderLine
			err := row.Scan(&l.ProductID, &l.Quantity)
			return l, err
		})
		if err != nil {
			return err
		}
		const putBack = `UPDATE products SET stock = stock + $2, version = version + 1, updated_at = $3 WHERE id = $1`
		for _, l := range taken {
			if _, err := tx.Exec(ctx, putBack, l.ProductID, l.Quantity, now); err != nil {
				return err
			}
		}
		const release = `UPDATE reservations SET status = 'released', updated_at = $2 WHERE order_id = $1`
		if _, err := tx.Exec(ctx, release, orderID, now); err != nil {
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

// RecordRating implements catalog.Store.
func (s *Store) RecordRating(ctx context.Context, eventID, productID string, d catalog.RatingDelta) (bool, error) {
	if uuid.Validate(productID) != nil {
		return false, fmt.Errorf("postgres: record rating: product ID %q is not a UUID", productID)
	}
	var applied bool
	err := inTx(ctx, s.pool, func(tx pgx.Tx) error {
		fresh, err := claim(ctx, tx, eventID)
		if applied = fresh; err != nil || !fresh {
			return err
		}
		const add = `INSERT INTO product_ratings (product_id, rating_count, rating_total) VALUES ($1, $2, $3)
			ON CONFLICT (product_id) DO UPDATE
			SET rating_count = product_ratings.rating_count + excluded.rating_count,
				rating_total = product_ratings.rating_total + excluded.rating_total`
		_, err = tx.Exec(ctx, add, productID, d.Count, d.Total)
		return err
	})
	if err != nil {
		return false, storeError("record rating", err)
	}
	return applied, nil
}

// ForgetProcessed implements catalog.Store.
func (s *Store) ForgetProcessed(ctx context.Context, before time.Time) (int, error) {
	const q = `DELETE FROM processed_events WHERE processed_at < $1`
	tag, err := s.pool.Exec(ctx, q, before)
	if err != nil {
		return 0, storeError("forget processed events", err)
	}
	return int(tag.RowsAffected()), nil
}

// backfill writes, once, a ProductCreated event for every product to the
// outbox, in one transaction with the mark that it is done
// (event_backfills, whose row the migration that added the outbox
// inserted): a database that had products before the catalog had events
// announces them, and a second Migrate, or one running at the same time,
// writes nothing.
func backfill(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		const limits = `SET LOCAL statement_timeout = '10min'; SET LOCAL lock_timeout = '1min'`
		if _, err := tx.Exec(ctx, limits); err != nil {
			return err
		}
		var done *time.Time
		const lock = `SELECT done_at FROM event_backfills WHERE name = 'ProductCreated' FOR UPDATE`
		switch err := tx.QueryRow(ctx, lock).Scan(&done); {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return err
		case done != nil:
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT `+productColumns+` FROM products ORDER BY id`)
		if err != nil {
			return err
		}
		products, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (catalog.Product, error) { return scanProduct(row) })
		if err != nil {
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
		_, err = tx.Exec(ctx, `UPDATE event_backfills SET done_at = $1 WHERE name = 'ProductCreated'`, now)
		return err
	})
}
