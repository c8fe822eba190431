-- strata:allow int-primary-key
-- INTEGER PRIMARY KEY is a 64-bit rowid on SQLite but int4 on PostgreSQL;
-- the example keeps one file for both engines. A PostgreSQL-only project
-- would write BIGINT (or BIGINT GENERATED ALWAYS AS IDENTITY).
-- strata:allow timestamp-without-time-zone
-- TIMESTAMP keeps the file portable (SQLite has no time zones); the
-- application stores UTC. A PostgreSQL-only project would write TIMESTAMPTZ.
CREATE TABLE orders (
  id         INTEGER     PRIMARY KEY,
  user_id    INTEGER     NOT NULL REFERENCES users (id),
  status     VARCHAR(20) NOT NULL DEFAULT 'pending'
             CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at  TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP
);
