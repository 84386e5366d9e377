"""Small OO wrapper the BI team uses for ad-hoc extracts."""
import logging
import os

import pandas as pd

log = logging.getLogger(__name__)


class CustomerRepository:
    def __init__(self, conn):
        self.conn = conn

    def fetch_active(self):
        cur = self.conn.cursor()
        cur.execute("SELECT customer_id, first_name, last_name, email, phone FROM crm.customers WHERE active")
        cols = [c[0] for c in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)


class CsvExporter:
    def __init__(self, out_dir="~/exports"):
        self.out_dir = os.path.expanduser(out_dir)

    def export(self, df, name):
        path = os.path.join(self.out_dir, f"{name}.csv")
        df.to_csv(path, index=False)
        log.info("wrote %s", path)
        return path
