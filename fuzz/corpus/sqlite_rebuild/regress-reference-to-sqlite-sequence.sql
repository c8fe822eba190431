-- A foreign key to SQLite's own sqlite_sequence: no such table here, a "foreign key
-- mismatch" wherever AUTOINCREMENT made it (the check leaves such inputs out).
CREATE TABLE categories (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES sqlite_sequence);
