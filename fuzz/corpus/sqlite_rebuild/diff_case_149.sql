CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);
CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT UNIQUE, price INT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE, product_id INT REFERENCES products (id), qty INT);
CREATE INDEX orders_user ON orders (user_id);
CREATE VIEW order_totals AS SELECT o.id, o.qty * p.price AS total FROM orders o JOIN products p ON p.id = o.product_id;
