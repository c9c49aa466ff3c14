-- Categories of the catalog. Slugs compare byte for byte (utf8mb4_bin), as
-- products.category, which references them, must use the same collation.
CREATE TABLE IF NOT EXISTS categories (
  slug VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  name VARCHAR(255) NOT NULL,
  PRIMARY KEY (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
