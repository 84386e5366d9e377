"""Nightly partner export: pull the raw CRM dump from our landing bucket, keep active customers,
push the file to the partner's bucket (they gave us a cross-account role)."""
import io
import logging
import os
import sys
from datetime import date

import boto3
import pandas as pd
from botocore.exceptions import ClientError

logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
logger = logging.getLogger("partner_export")

LANDING_BUCKET = "acme-landing"
PARTNER_BUCKET = "loyaltyco-inbound"
LOCAL_FILE = "/tmp/active_customers.csv"

s3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION", "eu-west-1"))


def fetch_raw():
    obj = s3.get_object(Bucket=LANDING_BUCKET, Key="crm/customers_full.csv")
    return pd.read_csv(io.BytesIO(obj["Body"].read()))


def main():
    try:
        raw = fetch_raw()
    except ClientError as err:
        logger.error("could not read landing file: %s", err)
        sys.exit(1)
    active = raw[raw["plan"] != "cancelled"][["customer_id", "first_name", "last_name", "email", "phone"]]
    active.to_csv(LOCAL_FILE, index=False)
    s3.upload_file(LOCAL_FILE, PARTNER_BUCKET, "acme/active_customers.csv")
    logger.info("uploaded %d rows for %s", len(active), date.today())


if __name__ == "__main__":
    main()
