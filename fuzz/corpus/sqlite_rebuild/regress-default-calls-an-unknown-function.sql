-- A default that calls a function SQLite does not have (an application registers it):
-- SQLite creates the table and refuses every row, as the rebuild's copy is one.
CREATE TABLE users (id INTEGER PRIMARY KEY, token TEXT DEFAULT (app_token(16)));
