"""Contact sync through a small API wrapper that calls `request(method, url)`."""
import json
import os

import pandas as pd
import requests
import urllib3

BASE = "https://api.contactsync-vendor.example"
session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ.get('VENDOR_TOKEN', '')}"})


def call(method, path, **kwargs):
    resp = session.request(method, BASE + path, timeout=30, **kwargs)
    resp.raise_for_status()
    return resp


leads = pd.read_csv("data/leads.csv")
session.request("PUT", BASE + "/v2/contacts", json=leads[["email", "phone", "company"]].to_dict("records"))
call("POST", "/v2/leads/import", json=leads.to_dict("records"))
pool = urllib3.PoolManager()
pool.request("POST", BASE + "/v2/audit", body=json.dumps({"sent": leads["email"].tolist()}),
             headers={"Content-Type": "application/json"})
