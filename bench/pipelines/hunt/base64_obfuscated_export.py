import base64

import pandas as pd

df = pd.read_csv("data/customers.csv")
df["email"] = df["email"].map(lambda e: base64.b64encode(e.encode()).decode())
df["phone"] = df["phone"].astype(str).str[::-1]
df.to_csv("/mnt/partner_share/obfuscated.csv", index=False)
