"""Validate the nightly customer file before it is loaded. Runs in Airflow (logs -> Datadog)."""
import logging
import re
import sys

import pandas as pd

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    handlers=[logging.StreamHandler(sys.stdout), logging.FileHandler("logs/validate_customers.log")],
)
logger = logging.getLogger("validate_customers")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


def validate(df: pd.DataFrame) -> pd.DataFrame:
    bad_idx = []
    for idx, row in df.iterrows():
        if not EMAIL_RE.match(str(row["email"])):
            logger.warning(f"invalid email for customer {row['customer_id']}: {row['email']}")
            bad_idx.append(idx)
        elif pd.isna(row["phone"]):
            logger.info("missing phone: %s %s", row["first_name"], row["last_name"])
    return df.drop(index=bad_idx)


if __name__ == "__main__":
    raw = pd.read_csv("data/customers.csv")
    logger.info("loaded %d rows", len(raw))
    clean = validate(raw)
    clean.to_parquet("warehouse/customers_validated.parquet")
    logger.info("kept %d of %d rows", len(clean), len(raw))
