"""KYC second-opinion: ask Claude to flag suspicious customer records before onboarding.

Runs after the onboarding export lands. Results go to the compliance schema.
"""
import json
import logging
import os

import anthropic
import pandas as pd
import sqlalchemy as sa

logging.basicConfig(level=logging.INFO)
LOG = logging.getLogger("kyc")

CONFIG = {
    "model": "claude-3-5-sonnet-latest",
    "max_tokens": 1024,
    "source": "data/customers.csv",
    "dsn": os.environ.get("COMPLIANCE_DSN", "postgresql://compliance@db/compliance"),
}

INSTRUCTIONS = (
    "You review customer onboarding records for KYC red flags (mismatched country/postcode, "
    "implausible dates of birth, disposable emails). Answer with a JSON list of "
    '{"customer_id": ..., "flag": true/false, "reason": "..."}.'
)


def review(records):
    client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
    message = client.messages.create(
        model=CONFIG["model"],
        max_tokens=CONFIG["max_tokens"],
        system=INSTRUCTIONS,
        messages=[{"role": "user", "content": json.dumps(records, default=str)}],
    )
    return json.loads(message.content[0].text)


def main():
    df = pd.read_csv(CONFIG["source"])
    new = df[df["plan"] == "trial"]
    records = new.to_dict("records")
    LOG.info("reviewing %d trial sign-ups", len(records))
    verdicts = pd.DataFrame(review(records))
    engine = sa.create_engine(CONFIG["dsn"])
    verdicts.to_sql("kyc_flags", engine, schema="compliance", if_exists="append", index=False)


if __name__ == "__main__":
    main()
