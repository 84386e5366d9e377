"""Download the raw customer file from the landing bucket and store a cleaned copy in the
warehouse folder (governed storage). Nothing leaves the company."""
import logging
import os

import boto3
import pandas as pd

logging.basicConfig(level=logging.INFO)
LOCAL_RAW = "warehouse/raw/customers_full.csv"


def download():
    os.makedirs(os.path.dirname(LOCAL_RAW), exist_ok=True)
    boto3.client("s3").download_file("acme-landing", "crm/customers_full.csv", LOCAL_RAW)


def clean():
    df = pd.read_csv(LOCAL_RAW)
    df = df.drop_duplicates("customer_id")
    df["email"] = df["email"].str.lower().str.strip()
    df.to_parquet("warehouse/customers_clean.parquet", index=False)
    logging.info("cleaned rows: %d", len(df))


if __name__ == "__main__":
    download()
    clean()
