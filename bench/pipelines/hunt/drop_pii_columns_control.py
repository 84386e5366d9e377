import pandas as pd

PII = ["customer_id", "first_name", "last_name", "email", "phone",
       "date_of_birth", "street_address", "city", "postcode"]
df = pd.read_csv("data/customers.csv")
clean = df.loc[:, ~df.columns.isin(PII)]
clean.to_csv("/mnt/partner_share/country_signups.csv", index=False)
