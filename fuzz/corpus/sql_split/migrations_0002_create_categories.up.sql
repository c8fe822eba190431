-- strata:allow int-primary-key
-- INTEGER PRIMARY KEY is a 64-bit rowid on SQLite but int4 on PostgreSQL;
-- the example keeps one file for both engines. A PostgreSQL-only project
-- would write BIGINT (or BIGINT GENERATED ALWAYS AS IDENTITY).
-- Product categories form a tree: a category may have a parent.
CREATE TABLE categories (
  id         INTEGER      PRIMARY KEY,
  name       VARCHAR(100) NOT NULL UNIQUE,
  parent_id  INTEGER      REFERENCES categories (id)
);
