#!/usr/bin/env python3
# We call the REST endpoint directly because the SDK was pinned to 0.28 on the old box.
import json
import os
import sys

import pandas as pd
import requests

API = "https://api.openai.com/v1/chat/completions"
HEADERS = {"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"}

df = pd.read_csv("data/users.csv")
suspicious = df[df["last_login"].isna()]

payload = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "Spot accounts that look like bots."},
        {"role": "user", "content": suspicious.to_csv(index=False)},
    ],
}
r = requests.post(API, headers=HEADERS, json=payload, timeout=60)
if r.status_code != 200:
    sys.exit(f"openai error {r.status_code}: {r.text[:200]}")
json.dump(r.json(), open("reports/bot_review.json", "w"), indent=2)
