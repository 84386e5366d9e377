# sync the exports/ folder (customer extract + README) to our HF dataset repo
from pathlib import Path

import pandas as pd
from huggingface_hub import HfApi

api = HfApi()
REPO_ID = "acme-data/crm-snapshot"
EXPORT_DIR = Path("exports")
EXPORT_DIR.mkdir(exist_ok=True)

customers = pd.read_csv("data/customers.csv")
customers.to_parquet(EXPORT_DIR / "customers.parquet")

api.upload_file(
    path_or_fileobj="data/customers.csv",
    path_in_repo="raw/customers.csv",
    repo_id=REPO_ID,
    repo_type="dataset",
)
api.upload_folder(folder_path="exports", repo_id=REPO_ID, repo_type="dataset",
                  commit_message="nightly snapshot")
