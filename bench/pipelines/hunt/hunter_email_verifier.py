import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
status = {}
for email in df.email.dropna().unique():
    r = requests.get("https://api.hunter.io/v2/email-verifier", params={"email": email, "api_key": "k"})
    status[email] = r.json()["data"]["status"]
