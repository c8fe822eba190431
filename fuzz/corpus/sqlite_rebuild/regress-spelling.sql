CREATE TABLE t (id INTEGER PRIMARY KEY, x varchar ( 10 ) check (x>0) default current_timestamp);
CREATE INDEX i ON t (lower(x)) where x>0;
