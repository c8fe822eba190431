CREATE VIEW order_totals AS
SELECT o.id                                      AS order_id,
       o.user_id                                 AS user_id,
       COUNT(oi.product_id)                      AS item_count,
       COALESCE(SUM(oi.quantity * oi.unit_price), 0) AS total
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.id
GROUP BY o.id, o.user_id;
