CREATE TABLE t (a INT, b INT, c INT, UNIQUE (a, b));
