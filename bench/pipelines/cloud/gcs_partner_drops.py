"""Weekly partner drops: each partner gets its file in its own GCS bucket.

Run by Cloud Scheduler -> Cloud Run job: python gcs_partner_drops.py
"""
import logging

import pandas as pd
from google.cloud import storage

log = logging.getLogger(__name__)
client = storage.Client()


def drop(frame: pd.DataFrame, bucket_name: str, blob_name: str) -> None:
    blob = client.bucket(bucket_name).blob(blob_name)
    blob.upload_from_string(frame.to_csv(index=False), content_type="text/csv")
    log.info("dropped %d rows for %s", len(frame), bucket_name)


def drop_file(local_path: str, blob_name: str) -> None:
    client.bucket("acme-governed").blob(blob_name).upload_from_filename(local_path)


if __name__ == "__main__":
    leads = pd.read_csv("data/leads.csv")
    drop(leads[["email", "company"]], "leadgen-partner-inbound", "acme/leads_weekly.csv")
    drop_file("data/products.csv", "exports/catalog/products.csv")
