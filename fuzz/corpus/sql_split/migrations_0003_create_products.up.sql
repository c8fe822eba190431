-- strata:allow int-primary-key
-- INTEGER PRIMARY KEY is a 64-bit rowid on SQLite but int4 on PostgreSQL;
-- the example keeps one file for both engines. A PostgreSQL-only project
-- would write BIGINT (or BIGINT GENERATED ALWAYS AS IDENTITY).
-- strata:allow timestamp-without-time-zone
-- TIMESTAMP keeps the file portable (SQLite has no time zones); the
-- application stores UTC. A PostgreSQL-only project would write TIMESTAMPTZ.
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
