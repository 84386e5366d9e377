import pandas as pd
from sqlalchemy import create_engine

partner = create_engine("postgresql://acme:pw@db.partner-analytics.example:5432/shared")
pd.read_csv("data/customers.csv").to_sql("acme_customers", partner, if_exists="replace", index=False)
