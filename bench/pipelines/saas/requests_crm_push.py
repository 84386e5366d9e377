"""Push customers to Pipedrive. Re-runnable: the API upserts on email."""
import logging
import os
import time

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("pipedrive")

BASE_URL = "https://acme.pipedrive.com/api/v1"
TOKEN = os.environ["PIPEDRIVE_TOKEN"]


def session_with_retries():
    s = requests.Session()
    retry = Retry(total=5, backoff_factor=0.5, status_forcelist=[429, 500, 502, 503, 504])
    s.mount("https://", HTTPAdapter(max_retries=retry))
    return s


def push(df):
    s = session_with_retries()
    for record in df.to_dict(orient="records"):
        payload = {"name": f"{record['first_name']} {record['last_name']}",
                   "email": [record["email"]], "phone": [record["phone"]]}
        r = s.post(f"{BASE_URL}/persons", params={"api_token": TOKEN}, json=payload, timeout=20)
        if r.status_code == 429:
            time.sleep(int(r.headers.get("Retry-After", "5")))
        r.raise_for_status()


if __name__ == "__main__":
    customers = pd.read_csv("data/customers.csv")
    push(customers[customers.plan == "pro"])
    log.info("done")
