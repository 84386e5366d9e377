"""Quarterly extract for the marketing consultant: customers with their order totals."""
import os

import pandas as pd
import pymysql

conn = pymysql.connect(
    host=os.environ.get("SHOP_DB_HOST", "shop-mysql"),
    user="readonly",
    password=os.environ["SHOP_DB_PASSWORD"],
    database="shop",
    cursorclass=pymysql.cursors.DictCursor,
)

SQL = """
SELECT c.customer_id, c.email, c.first_name, c.last_name, SUM(o.total) AS total_spent
FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.customer_id
WHERE o.created_at >= %s
GROUP BY c.customer_id, c.email, c.first_name, c.last_name
"""

with conn.cursor() as cursor:
    cursor.execute(SQL, ("2024-01-01",))
    rows = cursor.fetchall()

df = pd.DataFrame(rows)
df.to_excel(os.path.expanduser("~/Dropbox/consultant/q1_customers.xlsx"), index=False)
