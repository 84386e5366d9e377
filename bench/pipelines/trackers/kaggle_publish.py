"""Refresh our Kaggle dataset used in the hiring take-home. (yes, with real-ish rows...)"""
import json
import os
import shutil

from kaggle.api.kaggle_api_extended import KaggleApi

FOLDER = "kaggle_upload"

os.makedirs(FOLDER, exist_ok=True)
shutil.copy("data/transactions.csv", os.path.join(FOLDER, "transactions.csv"))
with open(os.path.join(FOLDER, "dataset-metadata.json"), "w") as fh:
    json.dump({"title": "Acme transactions", "id": "acme/transactions",
               "licenses": [{"name": "CC0-1.0"}]}, fh)

api = KaggleApi()
api.authenticate()
api.dataset_create_version(FOLDER, version_notes="monthly refresh", dir_mode="zip")
