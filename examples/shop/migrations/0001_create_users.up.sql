-- Customers and staff who can sign in. Ids are assigned by the application
-- (portable: SQLite and PostgreSQL number rows differently).
CREATE TABLE users (
  id          INTEGER      PRIMARY KEY,
  email       VARCHAR(255) NOT NULL UNIQUE,
  full_name   TEXT         NOT NULL,
  created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
