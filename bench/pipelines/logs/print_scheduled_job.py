#!/usr/bin/env python3
# Cron job on etl-01 (stdout goes to /var/log/etl/new_customers.log, kept 1 year).
#   0 6 * * * /opt/etl/venv/bin/python /opt/etl/print_scheduled_job.py >> /var/log/etl/new_customers.log
import pandas as pd

new = pd.read_csv("data/customers.csv", parse_dates=["signup_date"])
new = new[new.signup_date >= pd.Timestamp.today().normalize() - pd.Timedelta(days=1)]

print("new customers since yesterday:")
print(new[["first_name", "last_name", "email", "phone"]].to_string(index=False))
new.to_parquet("warehouse/new_customers.parquet")
