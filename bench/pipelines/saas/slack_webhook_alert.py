# data quality alert: rows with malformed phone numbers -> Slack webhook
import os
import re

import pandas as pd
import requests

SLACK_WEBHOOK_URL = os.environ["DQ_SLACK_WEBHOOK"]
PHONE_RE = re.compile(r"^\+?[0-9 ]{7,15}$")

customers = pd.read_csv("data/customers.csv")
bad = customers[~customers["phone"].astype(str).str.match(PHONE_RE)]

for _, row in bad.head(10).iterrows():
    requests.post(SLACK_WEBHOOK_URL, json={
        "text": f":warning: bad phone for {row['first_name']} {row['last_name']} ({row['email']}): {row['phone']}"
    })
