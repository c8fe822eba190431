-- SQLite cannot drop an indexed column: drop the index first.
DROP INDEX products_slug_idx;
ALTER TABLE products DROP COLUMN slug;
