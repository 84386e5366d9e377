#!/usr/bin/env python3
# cron: counts of active customers per plan, printed to the job log for the on-call
import sys
import pandas as pd

df = pd.read_csv("data/customers.csv")
counts = df.groupby("plan").size()
print(f"customers: {len(df)}")
print(counts.to_string())
if len(df) == 0:
    print("no customers?!", file=sys.stderr)
    sys.exit(1)
