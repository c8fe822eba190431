CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL UNIQUE, age INT);
CREATE INDEX users_age ON users (age);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author TEXT REFERENCES users (full_name));
