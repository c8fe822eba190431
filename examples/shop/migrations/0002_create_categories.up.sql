-- Product categories form a tree: a category may have a parent.
CREATE TABLE categories (
  id         INTEGER      PRIMARY KEY,
  name       VARCHAR(100) NOT NULL UNIQUE,
  parent_id  INTEGER      REFERENCES categories (id)
);
