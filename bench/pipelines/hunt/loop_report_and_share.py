import pandas as pd

cust = pd.read_csv("data/customers.csv")
per_country = cust.groupby("country").size().reset_index(name="n")
for frame, path in [(per_country, "reports/per_country.csv"), (cust, "/mnt/partner_share/cust.csv")]:
    frame.to_csv(path, index=False)
