import pandas as pd

df = pd.read_csv("data/customers.csv")
df["country"].value_counts().to_csv("reports/customers_by_country.csv")
