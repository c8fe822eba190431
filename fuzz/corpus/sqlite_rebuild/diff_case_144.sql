CREATE TABLE t (id INTEGER PRIMARY KEY, amount INT CHECK (amount > 0), twice INT AS (amount * 2));
