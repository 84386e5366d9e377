"""Nightly snapshots of the CRM tables with psycopg 3's COPY: the full customer table to the
warehouse share, and a 'debug' copy someone left writing to /tmp."""
import os
from pathlib import Path

import psycopg

WAREHOUSE = Path("warehouse/snapshots")
DSN = os.environ.get("CRM_DSN", "dbname=crm host=crm-db.internal")


def snapshot(cur, query, target):
    with open(target, "wb") as out:
        with cur.copy(query) as copy:
            for block in copy:
                out.write(block)


def main():
    WAREHOUSE.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(DSN) as conn, conn.cursor() as cur:
        snapshot(cur, "COPY (SELECT customer_id, email, phone, signup_date FROM crm.customers) TO STDOUT WITH CSV HEADER",
                 WAREHOUSE / "customers.csv")
        with open("/tmp/crm_debug_customers.csv", "wb") as debug:
            with cur.copy("COPY crm.customers TO STDOUT WITH CSV HEADER") as copy:
                while data := copy.read():
                    debug.write(data)


if __name__ == "__main__":
    main()
