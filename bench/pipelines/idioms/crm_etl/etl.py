"""Load the CRM file into the staging table, then export the reachable customers for the
call-centre dialler (it reads from /tmp/crm_exports on this box)."""
import logging
import os

import pandas as pd
import psycopg2

from config import DATA_DIR, DB, EXPORT_DIR
from sql_queries import *

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger("crm_etl")


def process_customer_file(cur, filepath):
    df = pd.read_csv(filepath)
    for row in df[["customer_id", "first_name", "last_name", "email", "phone", "city"]].values:
        cur.execute(customer_table_insert, list(row))
    logger.info("loaded %s rows from %s", len(df), os.path.basename(filepath))


def export_reachable(cur):
    cur.execute(customer_export_select)
    cols = [d[0] for d in cur.description]
    out = pd.DataFrame(cur.fetchall(), columns=cols)
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    out.to_csv(EXPORT_DIR / "dialler_customers.csv", index=False)
    return len(out)


def main():
    conn = psycopg2.connect(**DB)
    conn.autocommit = True
    cur = conn.cursor()
    process_customer_file(cur, DATA_DIR / "customers.csv")
    n = export_reachable(cur)
    logger.info("exported %d customers", n)
    conn.close()


if __name__ == "__main__":
    main()
