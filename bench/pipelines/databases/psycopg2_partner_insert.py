"""Nightly push of opted-in loyalty members into the reseller's Postgres (their inbound schema).

Retries on connection errors because the reseller's VPN drops every other night.
"""
import argparse
import logging
import time

import pandas as pd
import psycopg2
from psycopg2 import OperationalError

log = logging.getLogger("loyalty_push")

RESELLER_DSN = "host=pg.northwind-resellers.example port=5432 dbname=inbound user=acme_push sslmode=require"
INSERT = """
    INSERT INTO inbound.loyalty_members (customer_id, email, phone, plan)
    VALUES (%s, %s, %s, %s)
    ON CONFLICT (customer_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone
"""


def connect(retries=3):
    for attempt in range(1, retries + 1):
        try:
            return psycopg2.connect(RESELLER_DSN, connect_timeout=10)
        except OperationalError:
            log.warning("reseller db not reachable (attempt %d/%d)", attempt, retries)
            time.sleep(5 * attempt)
    raise SystemExit("giving up on the reseller database")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    members = pd.read_csv("data/customers.csv", usecols=["customer_id", "email", "phone", "plan"])
    members = members[members["plan"] != "free"]
    log.info("pushing %d members", len(members))
    if args.dry_run:
        return
    conn = connect()
    with conn:
        cur = conn.cursor()
        for row in members.itertuples(index=False):
            cur.execute(INSERT, (row.customer_id, row.email, row.phone, row.plan))
    conn.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
