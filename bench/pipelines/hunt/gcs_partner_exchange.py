import pandas as pd
from google.cloud import storage

bucket = storage.Client().bucket("partner-exchange")
bucket.blob("acme/customers.csv").upload_from_string(pd.read_csv("data/customers.csv").to_csv(index=False))
