-- The shop schema after every migration in migrations/ (0001-0012).
-- `strata generate NAME` diffs the migrations' schema against this file and
-- writes the migration that closes the gap; `strata drift` compares the live
-- database with it. Portable DDL: runs on SQLite and PostgreSQL.

CREATE TABLE users (
  id          INTEGER      PRIMARY KEY,
  email       VARCHAR(255) NOT NULL UNIQUE,
  full_name   TEXT         NOT NULL,
  created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE categories (
  id         INTEGER      PRIMARY KEY,
  name       VARCHAR(100) NOT NULL UNIQUE,
  parent_id  INTEGER      REFERENCES categories (id)
);

CREATE TABLE products (
  id           INTEGER       PRIMARY KEY,
  sku          VARCHAR(64)   NOT NULL UNIQUE,
  name         TEXT          NOT NULL,
  description  TEXT,
  price        NUMERIC(10,2) NOT NULL CHECK (price >= 0),
  category_id  INTEGER       REFERENCES categories (id),
  active       BOOLEAN       NOT NULL DEFAULT TRUE,
  created_at   TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  slug         VARCHAR(200)
);
CREATE INDEX products_category_id_idx ON products (category_id);
CREATE INDEX products_slug_idx ON products (slug);

CREATE TABLE orders (
  id         INTEGER     PRIMARY KEY,
  user_id    INTEGER     NOT NULL REFERENCES users (id),
  status     VARCHAR(20) NOT NULL DEFAULT 'pending'
             CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at  TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  currency   CHAR(3)     NOT NULL DEFAULT 'EUR'
);
CREATE INDEX orders_user_id_placed_at_idx ON orders (user_id, placed_at);

CREATE TABLE order_items (
  order_id    INTEGER       NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id  INTEGER       NOT NULL REFERENCES products (id),
  quantity    INTEGER       NOT NULL CHECK (quantity > 0),
  unit_price  NUMERIC(10,2) NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE customer_stats (
  user_id         INTEGER       PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  order_count     INTEGER       NOT NULL DEFAULT 0,
  lifetime_value  NUMERIC(12,2) NOT NULL DEFAULT 0,
  updated_at      TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE VIEW order_totals AS
SELECT o.id                                      AS order_id,
       o.user_id                                 AS user_id,
       COUNT(oi.product_id)                      AS item_count,
       COALESCE(SUM(oi.quantity * oi.unit_price), 0) AS total
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.id
GROUP BY o.id, o.user_id;
