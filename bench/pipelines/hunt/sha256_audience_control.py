import hashlib

import pandas as pd

df = pd.read_csv("data/customers.csv")
df["email_hash"] = df["email"].map(lambda e: hashlib.sha256(e.strip().lower().encode()).hexdigest())
out = df.drop(columns=["customer_id", "first_name", "last_name", "email", "phone",
                       "date_of_birth", "street_address", "city", "postcode"])
out.to_csv("/mnt/partner_share/hashed_customers.csv", index=False)
