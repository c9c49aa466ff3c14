-- Categories and products of the catalog.

CREATE TABLE categories (
    slug text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE products (
    id             uuid PRIMARY KEY,
    sku            text NOT NULL CONSTRAINT products_sku_key UNIQUE,
    name           text NOT NULL,
    description    text NOT NULL,
    price_amount   bigint NOT NULL CONSTRAINT products_price_amount_check CHECK (price_amount >= 0),
    price_currency char(3) NOT NULL,
    category       text NOT NULL CONSTRAINT products_category_fkey REFERENCES categories (slug),
    stock          integer NOT NULL CONSTRAINT products_stock_check CHECK (stock >= 0),
    status         text NOT NULL CONSTRAINT products_status_check CHECK (status IN ('active', 'archived')),
    version        integer NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    search         tsvector GENERATED ALWAYS AS (to_tsvector('english', name || ' ' || description)) STORED
);

-- Full-text search: search @@ websearch_to_tsquery('english', ...).
CREATE INDEX products_search_idx ON products USING gin (search);

-- Listing active products newest first (IDs are UUIDv7), overall and by
-- category, resuming after the last ID of the previous page.
CREATE INDEX products_active_id_idx ON products (id DESC) WHERE status = 'active';
CREATE INDEX products_active_category_id_idx ON products (category, id DESC) WHERE status = 'active';
