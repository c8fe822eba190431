-- A generated column that reads itself: SQLite takes the CREATE TABLE and refuses
-- every INSERT ("generated column loop"), so no plan can copy rows into it.
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT AS (email));
