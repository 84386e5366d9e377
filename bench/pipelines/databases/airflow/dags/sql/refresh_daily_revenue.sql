-- rebuilt every night by warehouse_refresh
DELETE FROM analytics.daily_revenue WHERE sale_date = CURRENT_DATE - 1;

INSERT INTO analytics.daily_revenue (sale_date, region, revenue)
SELECT o.order_date, s.region, SUM(o.amount)
FROM sales.orders o
JOIN sales.stores s ON s.store_id = o.store_id
WHERE o.order_date = CURRENT_DATE - 1
GROUP BY o.order_date, s.region;
