# Misc. helpers from the analytics repo: unpacking, row loops, list-of-dict rebuilds.
import csv
import json

import pandas as pd

customers, leads = pd.read_csv("data/customers.csv"), pd.read_csv("data/leads.csv")

# rebuild a frame from dicts (the "clean" function from the old repo)
rows = []
for rec in customers.to_dict("records"):
    rec["email"] = rec["email"].strip().lower()
    rows.append(rec)
cleaned = pd.DataFrame(rows)

holdout_n = 100
train, holdout = cleaned[:-holdout_n], cleaned[-holdout_n:]
holdout.to_json("/tmp/holdout_customers.json", orient="records")

with open("/tmp/leads_contacts.csv", "w", newline="") as fh:
    writer = csv.writer(fh)
    writer.writerow(["email", "phone"])
    for lead in leads.itertuples(index=False):
        writer.writerow([lead.email, lead.phone])

stats = {"customers": len(customers), "leads": len(leads)}
with open("/tmp/row_counts.json", "w") as fh:
    json.dump(stats, fh)
