CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT NOT NULL, age INT);
CREATE INDEX users_name ON users (nick);
CREATE INDEX users_lower ON users (lower(nick));
CREATE VIEW names AS SELECT nick FROM users;
