CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL, qty INT, total REAL AS (price * qty) STORED);
