-- strata:allow int-primary-key
-- INTEGER PRIMARY KEY is a 64-bit rowid on SQLite but int4 on PostgreSQL;
-- the example keeps one file for both engines. A PostgreSQL-only project
-- would write BIGINT (or BIGINT GENERATED ALWAYS AS IDENTITY).
-- strata:allow timestamp-without-time-zone
-- TIMESTAMP keeps the file portable (SQLite has no time zones); the
-- application stores UTC. A PostgreSQL-only project would write TIMESTAMPTZ.
-- Customers and staff who can sign in. Ids are assigned by the application
-- (portable: SQLite and PostgreSQL number rows differently).
CREATE TABLE users (
  id          INTEGER      PRIMARY KEY,
  email       VARCHAR(255) NOT NULL UNIQUE,
  full_name   TEXT         NOT NULL,
  created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
