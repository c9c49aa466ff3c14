-- Events: the outbox of the events the catalog produces, the IDs of the
-- events it consumed, the orders it decided on, and its products' ratings.

-- Events written in the same transaction as the change they announce; the
-- relay deletes them once the bus has them. Oldest first:
-- WHERE created_at < $1 ORDER BY created_at, id.
CREATE TABLE outbox (
    id         uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    envelope   json NOT NULL -- json, not jsonb: published exactly as written
);
CREATE INDEX outbox_created_at_idx ON outbox (created_at, id);

-- The IDs of the events the catalog handled, recorded in the transaction of
-- their effect, so that a duplicate changes nothing. The outbox sweep
-- deletes those older than 14 days.
CREATE TABLE processed_events (
    event_id     uuid PRIMARY KEY,
    processed_at timestamptz NOT NULL
);
CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at);

-- Every order the catalog decided on: reserved (its lines' stock taken),
-- rejected (nothing taken), or released (the stock put back, or cancelled
-- before its placement arrived).
CREATE TABLE reservations (
    order_id    text PRIMARY KEY,
    status      text NOT NULL CONSTRAINT reservations_status_check CHECK (status IN ('reserved', 'rejected', 'released')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The stock a reserved order took, per product.
CREATE TABLE reservation_lines (
    order_id   text NOT NULL REFERENCES reservations (order_id),
    product_id uuid NOT NULL,
    quantity   integer NOT NULL CONSTRAINT reservation_lines_quantity_check CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

-- Each product's rating sums, changed by the deltas of reviews' events. No
-- foreign key: a review's event may arrive before the product's creation.
-- The sums may be negative for a moment (a withdrawal before its review).
CREATE TABLE product_ratings (
    product_id   uuid PRIMARY KEY,
    rating_count integer NOT NULL,
    rating_total integer NOT NULL
);

-- One ProductCreated per product that existed before events, written once
-- by Migrate (in Go, where events are made) in one transaction with
-- done_at, so that a database migrated before events still fills the
-- other contexts' projections.
CREATE TABLE event_backfills (
    name    text PRIMARY KEY,
    done_at timestamptz
);
INSERT INTO event_backfills (name) VALUES ('ProductCreated');
