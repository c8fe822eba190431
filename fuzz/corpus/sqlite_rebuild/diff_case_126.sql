CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE INDEX users_age ON customers (age);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES customers (id) ON DELETE CASCADE);
