-- Per-customer aggregates for the account page, kept up to date by the
-- application; 0011 fills it for existing customers.
CREATE TABLE customer_stats (
  user_id         INTEGER       PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  order_count     INTEGER       NOT NULL DEFAULT 0,
  lifetime_value  NUMERIC(12,2) NOT NULL DEFAULT 0,
  updated_at      TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP
);
