-- One row per product in an order. unit_price is copied from the product at
-- checkout, so later price changes do not rewrite old orders.
CREATE TABLE order_items (
  order_id    INTEGER       NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id  INTEGER       NOT NULL REFERENCES products (id),
  quantity    INTEGER       NOT NULL CHECK (quantity > 0),
  unit_price  NUMERIC(10,2) NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_id, product_id)
);
