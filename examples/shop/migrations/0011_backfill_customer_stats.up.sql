-- Data migration: derive the stats of existing customers from their orders.
-- Cancelled orders do not count.
INSERT INTO customer_stats (user_id, order_count, lifetime_value)
SELECT u.id,
       COUNT(t.order_id),
       COALESCE(SUM(t.total), 0)
FROM users u
LEFT JOIN orders o       ON o.user_id = u.id AND o.status <> 'cancelled'
LEFT JOIN order_totals t ON t.order_id = o.id
GROUP BY u.id;
