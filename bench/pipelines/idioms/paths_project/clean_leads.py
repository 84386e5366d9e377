"""Dedupe the leads file and hand a clean copy to the SDR on their desktop.

Run from anywhere: paths are resolved from this file.
"""
import os
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
DATA = HERE / "data"
CUSTOMERS_CSV = os.path.join(os.path.dirname(__file__), "data", "customers.csv")


def dedupe(leads: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    known = set(customers["email"].str.lower())
    leads = leads.drop_duplicates("email")
    return leads[~leads["email"].str.lower().isin(known)]


def main():
    leads = pd.read_csv(DATA / "leads.csv")
    customers = pd.read_csv(CUSTOMERS_CSV)
    fresh = dedupe(leads, customers)
    scratch = Path(tempfile.gettempdir()) / "leads_dedup.csv"
    fresh.to_csv(scratch, index=False)
    fresh.to_csv(Path.home() / "Desktop" / "leads_clean.csv", index=False)


if __name__ == "__main__":
    main()
