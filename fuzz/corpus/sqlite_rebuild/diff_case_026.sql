CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE VIEW adults AS SELECT id, name, age FROM users WHERE age >= 18;
