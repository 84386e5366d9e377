"""Load the cleaned customers into Snowflake staging, then refresh the mart table."""
import logging
import os

import pandas as pd
import snowflake.connector
from snowflake.connector.pandas_tools import write_pandas

logging.basicConfig(level=logging.INFO)

SF = {
    "account": os.environ["SF_ACCOUNT"],
    "user": os.environ["SF_USER"],
    "authenticator": "externalbrowser",
    "warehouse": "ETL_WH",
    "database": "ANALYTICS",
    "schema": "STAGING",
}

MERGE_SQL = """
MERGE INTO analytics.mart.customers t
USING analytics.staging.customers_stg s ON t.customer_id = s.customer_id
WHEN MATCHED THEN UPDATE SET email = s.email, phone = s.phone
WHEN NOT MATCHED THEN INSERT (customer_id, email, phone) VALUES (s.customer_id, s.email, s.phone)
"""


def run():
    df = pd.read_parquet("warehouse/customers_clean.parquet")
    df.columns = [c.upper() for c in df.columns]
    conn = snowflake.connector.connect(**SF)
    try:
        ok, chunks, nrows, _ = write_pandas(conn, df, "CUSTOMERS_STG", auto_create_table=True, overwrite=True)
        logging.info("staged %s rows in %s chunks (ok=%s)", nrows, chunks, ok)
        cur = conn.cursor()
        cur.execute(MERGE_SQL)
        check = cur.execute("SELECT count(*) FROM analytics.mart.customers").fetchone()
        logging.info("mart now has %s customers", check[0])
    finally:
        conn.close()


if __name__ == "__main__":
    run()
