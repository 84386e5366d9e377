import tempfile

import boto3
import pandas as pd

df = pd.read_csv("data/customers.csv")
s3 = boto3.client("s3")
with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
    df.to_csv(tmp.name, index=False)
    s3.upload_file(tmp.name, "partner-dropbox", "exports/customers.csv")
