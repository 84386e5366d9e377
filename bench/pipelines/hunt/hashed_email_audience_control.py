import hashlib

import pandas as pd


def sha(v: str) -> str:
    return hashlib.sha256(v.lower().encode()).hexdigest()


df = pd.read_csv("data/customers.csv", usecols=["email", "country"])
df = df.assign(email=df["email"].map(sha))
df.to_csv("/mnt/partner_share/audience_hashed.csv", index=False)
