"""Upsert contacts into Salesforce with the bulk API (simple_salesforce)."""
import os

import pandas as pd
from simple_salesforce import Salesforce

sf = Salesforce(
    username=os.environ["SF_USERNAME"],
    password=os.environ["SF_PASSWORD"],
    security_token=os.environ["SF_TOKEN"],
    domain="login",
)

leads = pd.read_csv("data/leads.csv")
records = (leads.rename(columns={"first_name": "FirstName", "last_name": "LastName",
                                 "email": "Email", "phone": "Phone", "company": "Company"})
           [["FirstName", "LastName", "Email", "Phone", "Company"]]
           .to_dict("records"))

result = sf.bulk.Contact.upsert(records, "Email", batch_size=5000, use_serial=True)
failed = [r for r in result if not r["success"]]
print(f"{len(records) - len(failed)} ok, {len(failed)} failed")

# single one-off update used by the support team
sf.Contact.create({"LastName": leads.iloc[0]["last_name"], "Email": leads.iloc[0]["email"]})
