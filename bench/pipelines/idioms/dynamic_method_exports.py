"""Exports the churn-risk list in whatever format the CS tool wants this quarter.

The format comes from the command line; the writer is looked up on the frame by name, and the
legacy path still calls the DataFrame method unbound (copied from an old notebook).
"""
import argparse
import logging
import tempfile
from pathlib import Path

import pandas as pd

logger = logging.getLogger("churn_export")
SCRATCH = Path(tempfile.gettempdir()) / "churn_exports"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fmt", default="csv", choices=["csv", "json", "parquet"])
    p.add_argument("--legacy", action="store_true")
    return p.parse_args()


def main():
    args = parse_args()
    risk = pd.read_csv("data/customers.csv", usecols=["customer_id", "email", "phone", "plan"])
    risk = risk[risk["plan"].isin(["pro", "team"])]
    SCRATCH.mkdir(parents=True, exist_ok=True)
    if args.legacy:
        pd.DataFrame.to_csv(risk, "/tmp/churn_risk_legacy.csv", index=False)
        logger.info("legacy export written")
        return
    getattr(risk, "to_csv")("/tmp/churn_risk.csv", index=False)
    writer = getattr(risk, f"to_{args.fmt}")
    writer(SCRATCH / f"churn_risk.{args.fmt}")
    logger.info("wrote %d rows as %s", len(risk), args.fmt)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
