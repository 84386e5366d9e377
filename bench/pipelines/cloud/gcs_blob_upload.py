"""Share the churn audience with the ad agency through their GCS bucket."""
import logging

import pandas as pd
from google.cloud import storage

AGENCY_BUCKET = "brightads-audiences"
log = logging.getLogger(__name__)


def upload_audience(df: pd.DataFrame, blob_name: str) -> None:
    client = storage.Client(project="acme-marketing")
    bucket = client.bucket(AGENCY_BUCKET)
    blob = bucket.blob(blob_name)
    blob.upload_from_string(df.to_csv(index=False), content_type="text/csv")
    log.info("uploaded gs://%s/%s", AGENCY_BUCKET, blob_name)


def upload_file_copy(local_path: str) -> None:
    storage.Client().bucket(AGENCY_BUCKET).blob("acme/audience_full.csv").upload_from_filename(local_path)


if __name__ == "__main__":
    customers = pd.read_csv("data/customers.csv")
    audience = customers.loc[customers["plan"] == "free", ["email", "first_name", "city"]]
    upload_audience(audience, "acme/churn_audience.csv")
    upload_file_copy("data/customers.csv")
