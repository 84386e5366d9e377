import pandas as pd

df = pd.read_csv("data/customers.csv")
df.groupby("country")["email"].nunique().rename("unique_emails").to_csv("reports/unique_emails_by_country.csv")
