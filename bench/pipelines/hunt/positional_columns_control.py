import pandas as pd

df = pd.read_csv("data/customers.csv")
df.iloc[:, 9:12].to_csv("/mnt/partner_share/country_signup_plan.csv", index=False)
