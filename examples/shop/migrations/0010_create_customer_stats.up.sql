-- strata:allow int-primary-key
-- INTEGER PRIMARY KEY is a 64-bit rowid on SQLite but int4 on PostgreSQL;
-- the example keeps one file for both engines. A PostgreSQL-only project
-- would write BIGINT (or BIGINT GENERATED ALWAYS AS IDENTITY).
-- strata:allow timestamp-without-time-zone
-- TIMESTAMP keeps the file portable (SQLite has no time zones); the
-- application stores UTC. A PostgreSQL-only project would write TIMESTAMPTZ.
-- Per-customer aggregates for the account page, kept up to date by the
-- application; 0011 fills it for existing customers.
CREATE TABLE customer_stats (
  user_id         INTEGER       PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  order_count     INTEGER       NOT NULL DEFAULT 0,
  lifetime_value  NUMERIC(12,2) NOT NULL DEFAULT 0,
  updated_at      TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP
);
