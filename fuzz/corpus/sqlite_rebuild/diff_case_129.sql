CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE INDEX users_name ON users (name);
CREATE INDEX users_lower ON users (lower(name));
CREATE VIEW names AS SELECT name FROM users;
