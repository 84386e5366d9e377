import pandas as pd

df = pd.read_csv("data/customers.csv")
df["email"] = df["email"].str.replace(r"^[^@]+", "***", regex=True)
df["phone"] = "REDACTED"
df[["email", "phone", "country"]].to_csv("/mnt/partner_share/masked.csv", index=False)
