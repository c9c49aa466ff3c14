-- Events: the outbox of the events the catalog produces, the IDs of the
-- events it consumed, the orders it decided on, and its products' ratings,
-- mirroring the PostgreSQL schema.
--
-- outbox.envelope is the envelope's JSON as written, in a text column:
--   MySQL's JSON type would store it reordered and re-spaced, MariaDB's is
--   a LONGTEXT anyway; the relay publishes it exactly as it was committed.
CREATE TABLE IF NOT EXISTS outbox (
  id         CHAR(36)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(6) NOT NULL,
  envelope   MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  KEY outbox_created_at_idx (created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The IDs of the events the catalog handled, recorded in the transaction
-- of their effect. The outbox sweep deletes those older than 14 days.
CREATE TABLE IF NOT EXISTS processed_events (
  event_id     CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id),
  KEY processed_events_processed_at_idx (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every order the catalog decided on: reserved, rejected or released.
CREATE TABLE IF NOT EXISTS reservations (
  order_id   VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  status     VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (order_id),
  CONSTRAINT reservations_status_check CHECK (status IN ('reserved', 'rejected', 'released'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The stock a reserved order took, per product.
CREATE TABLE IF NOT EXISTS reservation_lines (
  order_id   VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  product_id CHAR(36)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  quantity   INT          NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CONSTRAINT reservation_lines_order_fkey FOREIGN KEY (order_id) REFERENCES reservations (order_id),
  CONSTRAINT reservation_lines_quantity_check CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each product's rating sums, changed by the deltas of reviews' events; no
-- foreign key, as a review's event may arrive before the product's
-- creation.
CREATE TABLE IF NOT EXISTS product_ratings (
  product_id   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rating_count INT      NOT NULL,
  rating_total INT      NOT NULL,
  PRIMARY KEY (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One ProductCreated per product that existed before events, written once
-- by Migrate (in Go) in one transaction with done_at.
CREATE TABLE IF NOT EXISTS event_backfills (
  name    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  done_at DATETIME(6) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO event_backfills (name) VALUES ('ProductCreated');
