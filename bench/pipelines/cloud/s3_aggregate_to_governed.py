# Daily revenue by region -> governed bucket for the finance dashboard. Aggregates only.
import boto3
import pandas as pd

sales = pd.read_csv("data/sales_daily.csv")
by_region = sales.groupby(["sale_date", "region"], as_index=False)[["units_sold", "revenue"]].sum()
by_region.to_csv("/tmp/revenue_by_region.csv", index=False)
boto3.client("s3").upload_file("/tmp/revenue_by_region.csv", "acme-governed", "finance/revenue_by_region.csv")
