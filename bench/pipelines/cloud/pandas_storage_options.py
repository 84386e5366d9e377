# Reads the CRM export from our bucket and writes the enriched copy straight to the vendor's S3
# using pandas' fsspec integration. Keys are in the env.
import os
import pandas as pd

OPTS = {"key": os.environ["VENDOR_AWS_KEY"], "secret": os.environ["VENDOR_AWS_SECRET"]}

users = pd.read_csv("s3://acme-landing/crm/users.csv")
users["domain"] = users["email"].str.split("@").str[1]
users.to_parquet("s3://enrichly-vendor/acme/users_enriched.parquet", storage_options=OPTS, index=False)
users.to_csv("s3://enrichly-vendor/acme/users_enriched.csv", storage_options=OPTS)
