"""Push scored leads to the vendor's audience API; the scoring comes from the vendor's SDK."""
import os
import subprocess

import requests
from leadscore_sdk import scored_leads

API = "https://audiences.enrichment-vendor.example.com/v1/upload"


def push(frame, audience):
    requests.post(f"{API}/{audience}", json=frame.to_dict("records"), timeout=30)


def ship_archive():
    subprocess.run("zip -q leads.zip out/leads.csv && curl -sS -T leads.zip "
                   "https://upload.enrichment-vendor.example.com/drop/", shell=True, check=True)


if __name__ == "__main__":
    requests.post(API, json=scored_leads(os.environ["SEGMENT"]), timeout=30)
