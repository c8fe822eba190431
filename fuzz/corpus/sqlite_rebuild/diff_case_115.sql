CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT, title TEXT);
CREATE VIEW feed AS SELECT u.name, p.id FROM users u JOIN posts p ON p.user_id = u.id;
