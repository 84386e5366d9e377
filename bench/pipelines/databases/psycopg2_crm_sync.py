#!/usr/bin/env python
"""Copy new CRM sign-ups into the marketing schema and dump a CSV for the call centre vendor.

Cron: 15 2 * * *  (see ops/crontab)
"""
import csv
import logging
import os
import sys

import psycopg2
import psycopg2.extras

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("crm_sync")

DB = dict(host=os.getenv("PGHOST", "crm-db"), dbname="crm", user="etl", password=os.getenv("PGPASSWORD"))

SELECT_NEW = """
    SELECT customer_id, first_name, last_name, email, phone
    FROM crm.customers
    WHERE signup_date >= current_date - interval '1 day'
"""
INSERT_LEAD = "INSERT INTO marketing.leads (customer_id, first_name, last_name, email, phone) VALUES (%s, %s, %s, %s, %s)"


def main():
    conn = psycopg2.connect(**DB)
    try:
        with conn.cursor() as cur:
            cur.execute(SELECT_NEW)
            rows = cur.fetchall()
            log.info("new sign-ups: %d", len(rows))
            psycopg2.extras.execute_batch(cur, INSERT_LEAD, rows)
            cur.executemany(
                "UPDATE crm.customers SET synced_at = now() WHERE customer_id = %s",
                [(r[0],) for r in rows],
            )
        conn.commit()

        # call-centre vendor picks this up over their VPN share
        with conn.cursor() as cur, open("/mnt/vendor_share/new_signups.csv", "w") as fh:
            cur.copy_expert(
                "COPY (SELECT first_name, last_name, phone FROM crm.customers "
                "WHERE signup_date >= current_date - 1) TO STDOUT WITH CSV HEADER",
                fh,
            )
    except psycopg2.Error as e:
        conn.rollback()
        log.exception("sync failed: %s", e)
        sys.exit(1)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
