CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, price INT NOT NULL DEFAULT 0, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE, product_id INT REFERENCES products (id), qty INT NOT NULL DEFAULT 1, note TEXT);
CREATE INDEX orders_user ON orders (user_id);
CREATE INDEX orders_product ON orders (product_id);
CREATE VIEW order_totals AS SELECT o.id, o.qty * p.price AS total FROM orders o JOIN products p ON p.id = o.product_id;
