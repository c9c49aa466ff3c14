-- Addresses, clustered by customer: every access names the customer, and a
-- customer's addresses sit together in the primary key's B-tree. The
-- customer_id is not a foreign key (see 001); the store deletes nothing of
-- a customer's without the customer row locked.
CREATE TABLE addresses (
  customer_id CHAR(36)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  id          CHAR(36)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  name        VARCHAR(100) NOT NULL,
  line1       VARCHAR(100) NOT NULL,
  line2       VARCHAR(100) NOT NULL DEFAULT '',
  line3       VARCHAR(100) NOT NULL DEFAULT '',
  city        VARCHAR(100) NOT NULL,
  postal_code VARCHAR(16)  NOT NULL,
  country     CHAR(2)      CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at  DATETIME(6)  NOT NULL,
  updated_at  DATETIME(6)  NOT NULL,
  PRIMARY KEY (customer_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
