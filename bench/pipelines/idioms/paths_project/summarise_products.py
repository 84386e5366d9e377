"""Category price summary for the pricing meeting: aggregates only, written to /tmp."""
from pathlib import Path

import pandas as pd

PRODUCTS = Path(__file__).with_name("data").joinpath("products.csv")

products = pd.read_csv(PRODUCTS)
summary = products.groupby("category").agg(n=("sku", "count"), avg_price=("unit_price", "mean"))
summary.to_csv("/tmp/category_prices.csv")
print(f"{len(summary)} categories summarised")
