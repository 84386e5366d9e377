import json
import os
import urllib.request

import pandas as pd

WEBHOOK = os.environ.get("SLACK_WEBHOOK", "https://hooks.slack.com/services/T000/B000/XXX")
new = pd.read_csv("data/customers.csv").query("country == 'DE'")
lines = [f"{r.first_name} {r.last_name} <{r.email}> joined" for r in new.itertuples(index=False)]
body = json.dumps({"text": "\n".join(lines)}).encode()
req = urllib.request.Request(WEBHOOK, data=body, headers={"Content-Type": "application/json"})
urllib.request.urlopen(req)
