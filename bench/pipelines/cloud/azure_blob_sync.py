# Sync patient visit extract to the research partner's Azure storage account.
# connection string comes from the key vault in prod, env locally
import os
from azure.storage.blob import BlobServiceClient
import pandas as pd

CONN = os.environ["PARTNER_STORAGE_CONNECTION_STRING"]
CONTAINER = "acme-visits"

visits = pd.read_csv("data/patients.csv", parse_dates=["visit_date"])
recent = visits[visits.visit_date > "2024-01-01"]

service = BlobServiceClient.from_connection_string(CONN)
container = service.get_container_client(CONTAINER)
container.upload_blob(name="visits/recent.csv", data=recent.to_csv(index=False), overwrite=True)

with open("data/patients.csv", "rb") as fh:
    service.get_blob_client(container=CONTAINER, blob="visits/full.csv").upload_blob(fh, overwrite=True)
