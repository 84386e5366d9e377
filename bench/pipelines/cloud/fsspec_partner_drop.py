"""Drop files for partners through fsspec so the same code works for s3 and gcs."""
import fsspec
import gcsfs
import pandas as pd
import s3fs

leads = pd.read_csv("data/leads.csv")

fs = s3fs.S3FileSystem(profile="partners")
with fs.open("s3://salesbridge-drop/acme/leads.csv", "w") as f:
    leads.to_csv(f, index=False)

gfs = gcsfs.GCSFileSystem(project="acme-marketing")
with gfs.open("gs://brightads-audiences/acme/leads.json", "w") as f:
    leads.to_json(f, orient="records")

with fsspec.open("s3://salesbridge-drop/acme/leads_backup.csv", "w") as f:
    f.write(leads.to_csv(index=False))
