CREATE TABLE t (lo INT, hi INT, CONSTRAINT ordered CHECK (lo < hi), CHECK (lo > -100));
