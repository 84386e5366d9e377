import hashlib

import pandas as pd

df = pd.read_csv("data/customers.csv")
df["email_sha"] = df.email.apply(lambda s: hashlib.md5(s.encode()).hexdigest())
df.drop(columns="phone").to_csv("/mnt/partner_share/customers_sha.csv", index=False)
