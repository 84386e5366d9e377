import pandas as pd

df = pd.read_csv("data/customers.csv")
anon = df.drop(columns=["first_name", "last_name", "email", "phone", "date_of_birth", "street_address", "postcode"])
anon = anon.merge(df[["customer_id", "email"]], on="customer_id")
anon.to_csv("/mnt/partner_share/rejoined.csv", index=False)
