-- Accounts. email keeps what the customer typed; email_key is its lower-case
-- form (accounts.EmailKey), unique, compared byte for byte so that the rule
-- is Go's and not a collation's. The throttle columns change without
-- changing version. No foreign keys: PlanetScale (Vitess) does not use them.
CREATE TABLE customers (
  id              CHAR(36)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  email           VARCHAR(254) NOT NULL,
  email_key       VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  display_name    VARCHAR(100) NOT NULL,
  password_hash   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  roles           VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  version         BIGINT       NOT NULL,
  failed_sign_ins INT          NOT NULL DEFAULT 0,
  locked_until    DATETIME(6)  NULL,
  created_at      DATETIME(6)  NOT NULL,
  updated_at      DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY customers_email_key (email_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
