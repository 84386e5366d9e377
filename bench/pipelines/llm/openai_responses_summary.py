"""Weekly account-manager digest using the Responses API."""
from __future__ import annotations

import datetime as dt
import sys

import pandas as pd
from openai import OpenAI

WEEK = dt.date.today().isocalendar().week
ACCOUNTS = "data/customers.csv"


def build_digest(df: pd.DataFrame) -> str:
    client = OpenAI()
    response = client.responses.create(
        model="gpt-4.1-mini",
        instructions="Summarise notable changes per account for the account managers.",
        input=f"Week {WEEK} accounts:\n{df.to_string(index=False)}",
    )
    return response.output_text


if __name__ == "__main__":
    accounts = pd.read_csv(ACCOUNTS)
    recent = accounts[accounts["signup_date"] >= str(dt.date.today() - dt.timedelta(days=7))]
    if recent.empty:
        print("nothing new this week")
        sys.exit(0)
    digest = build_digest(recent)
    with open("reports/weekly_digest.md", "w") as fh:
        fh.write(digest)
