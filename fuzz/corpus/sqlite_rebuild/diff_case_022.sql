CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE INDEX users_age ON users (age);
