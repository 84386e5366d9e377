"""Shares the active customers with the agency: straight into the agency's Postgres."""
import os

import pandas as pd
from sqlalchemy import create_engine

ours = create_engine(os.environ.get("CRM_URL", "postgresql://etl@crm-db.internal/crm"))
agency = create_engine("postgresql://acme_share@db.brightads-agency.example:5432/inbound")

active = pd.read_sql("SELECT customer_id, email, phone, city FROM crm.customers WHERE active", ours)
active.to_sql("acme_customers", agency, schema="inbound", if_exists="replace", index=False)
