"""One-off: give the survey vendor the list of customers who opted in.

Ticket DATA-2211. Delete after Q3.
"""
import logging
import os

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
engine = create_engine(os.environ.get("CRM_URL", "postgresql+psycopg2://etl@crm-db/crm"))

OPTED_IN = text("""
    SELECT c.first_name, c.email, c.city
    FROM crm.customers c
    JOIN crm.consents k ON k.customer_id = c.customer_id
    WHERE k.survey_opt_in
""")


def fetch():
    with Session(engine) as session:
        result = session.execute(OPTED_IN)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def counts():
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM crm.consents WHERE survey_opt_in")).scalar()


if __name__ == "__main__":
    log.info("opted in: %s", counts())
    df = fetch()
    df.to_csv("/tmp/survey_vendor_list.csv", index=False)
