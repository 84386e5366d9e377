import pandas as pd

df = pd.read_csv("data/customers.csv")
counts = df.groupby("country", as_index=False).size().rename(columns={"size": "signups"})
counts.to_csv("reports/signups_by_country.csv", index=False)
