CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE UNIQUE INDEX users_name ON users (name, age DESC);
