"""Refreshes the CRM replicas the analysts query: the local dev database, the warehouse on the
internal network and the reporting replica by its private address. Everything stays in-house."""
import logging
import os

import pandas as pd
import psycopg2
from sqlalchemy import create_engine, text

log = logging.getLogger(__name__)

local = create_engine("postgresql://etl:etl@localhost:5432/crm_dev")
warehouse = create_engine(os.environ.get("WAREHOUSE_URL", "postgresql+psycopg2://etl@dw.acme.internal:5432/dw"))
replica = create_engine(os.environ["REPORTING_DB_URL"])


def refresh(frame, engine, table):
    for attempt in range(3):
        try:
            frame.to_sql(table, engine, schema="crm", if_exists="replace", index=False, chunksize=5000)
            return
        except Exception:
            log.exception("load of %s failed (attempt %d)", table, attempt + 1)
    raise RuntimeError(f"could not load {table}")


customers = pd.read_csv("data/customers.csv")
refresh(customers, local, "customers")
refresh(customers, warehouse, "customers")
refresh(customers, replica, "customers")

with warehouse.begin() as conn:
    conn.execute(text("INSERT INTO crm.customers_history SELECT *, now() FROM crm.customers"))

pg = psycopg2.connect(host="10.20.0.14", dbname="reporting", user="etl")
cur = pg.cursor()
for row in customers.itertuples(index=False):
    cur.execute("INSERT INTO reporting.contacts (customer_id, email) VALUES (%s, %s)", (row.customer_id, row.email))
pg.commit()
