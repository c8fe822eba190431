CREATE TABLE t (id INTEGER PRIMARY KEY, qty INT CHECK (qty > 0), twice INT AS (qty * 2));
