CREATE TABLE products (
  id           INTEGER       PRIMARY KEY,
  sku          VARCHAR(64)   NOT NULL UNIQUE,
  name         TEXT          NOT NULL,
  description  TEXT,
  price        NUMERIC(10,2) NOT NULL CHECK (price >= 0),
  category_id  INTEGER       REFERENCES categories (id),
  active       BOOLEAN       NOT NULL DEFAULT TRUE,
  created_at   TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX products_category_id_idx ON products (category_id);
