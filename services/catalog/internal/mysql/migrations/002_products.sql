-- Products of the catalog, mirroring the PostgreSQL schema.
--
-- id: a UUIDv7 in its canonical text form; ascii_bin compares bytes, so
--   ORDER BY id DESC is newest first and keyset pages resume with id < ?.
-- sku: unique byte for byte (utf8mb4_bin).
-- MySQL has no partial indexes: (status, id) and (category, status, id)
--   serve the listings, the latter also the foreign key.
-- products_search_idx: InnoDB full-text index for
--   MATCH (name, description) AGAINST (? IN BOOLEAN MODE).
-- CHECK constraints are enforced by MySQL >= 8.0.16 and MariaDB >= 10.2;
--   their names are unique per database on MySQL, hence the table prefix.
CREATE TABLE IF NOT EXISTS products (
  id             CHAR(36)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  sku            VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  name           VARCHAR(200) NOT NULL,
  description    TEXT         NOT NULL,
  price_amount   BIGINT       NOT NULL,
  price_currency CHAR(3)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  category       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  stock          INT          NOT NULL,
  status         VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version        INT          NOT NULL,
  created_at     DATETIME(6)  NOT NULL,
  updated_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY products_sku_key (sku),
  KEY products_status_id_idx (status, id),
  KEY products_category_status_id_idx (category, status, id),
  FULLTEXT KEY products_search_idx (name, description),
  CONSTRAINT products_category_fkey FOREIGN KEY (category) REFERENCES categories (slug),
  CONSTRAINT products_price_amount_check CHECK (price_amount >= 0),
  CONSTRAINT products_stock_check CHECK (stock >= 0),
  CONSTRAINT products_status_check CHECK (status IN ('active', 'archived'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
