-- customer_stats was empty before 0011 (0010 created it).
DELETE FROM customer_stats;
