# Local cache of the product catalogue for the pricing notebook (sqlite is enough here)
import sqlite3
import pandas as pd

DB_PATH = "warehouse/catalog_cache.db"

products = pd.read_csv("data/products.csv")

con = sqlite3.connect(DB_PATH)
products.to_sql("products", con, if_exists="replace", index=False)
cur = con.cursor()
cur.execute("CREATE INDEX IF NOT EXISTS ix_sku ON products (sku)")
cur.execute("SELECT category, avg(unit_price) FROM products GROUP BY category")
for category, avg_price in cur.fetchall():
    print(f"{category:20s} {avg_price:8.2f}")
con.close()
