"""Nightly sales rollup. Logs only counts and totals."""
import logging

import pandas as pd

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
log = logging.getLogger("rollup")

if __name__ == "__main__":
    sales = pd.read_csv("data/sales_daily.csv")
    customers = pd.read_csv("data/customers.csv")
    log.info("read %d sales rows and %d customers", len(sales), len(customers))
    rollup = sales.groupby("region", as_index=False)["revenue"].sum()
    log.info("regions: %d, total revenue %.2f", len(rollup), rollup["revenue"].sum())
    rollup.to_csv("reports/revenue_rollup.csv", index=False)
