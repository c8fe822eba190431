CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE INDEX by_name ON users (lower(name) DESC, name COLLATE NOCASE);
