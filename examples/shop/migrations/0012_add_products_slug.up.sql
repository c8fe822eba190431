-- URL slugs: add the column, derive it for existing products, index it.
ALTER TABLE products ADD COLUMN slug VARCHAR(200);

UPDATE products
SET slug = LOWER(REPLACE(TRIM(name), ' ', '-')) || '-' || CAST(id AS VARCHAR(20));

CREATE INDEX products_slug_idx ON products (slug);
