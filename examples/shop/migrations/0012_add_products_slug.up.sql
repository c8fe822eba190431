-- URL slugs: add the column, derive it for existing products, index it.
-- strata:allow add-index-without-concurrently
-- SQLite has no CREATE INDEX CONCURRENTLY, so the example builds the index
-- with a plain CREATE INDEX, which blocks writes to the table on PostgreSQL
-- while it runs: fine for a small table, not for a large production one.
ALTER TABLE products ADD COLUMN slug VARCHAR(200);

UPDATE products
SET slug = LOWER(REPLACE(TRIM(name), ' ', '-')) || '-' || CAST(id AS VARCHAR(20))
WHERE slug IS NULL;

CREATE INDEX products_slug_idx ON products (slug);
