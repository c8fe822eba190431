DROP INDEX products_category_id_idx;
DROP TABLE products;
