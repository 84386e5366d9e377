"""Nightly triage of open support tickets.

Reads the ticket export, asks GPT to tag each batch with a category + urgency and
writes the tags back next to the export so the support dashboard can pick them up.

Owner: support-analytics (ping #support-data if this breaks)
"""
import argparse
import json
import logging
import os
import time

import pandas as pd
from openai import OpenAI

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("triage")

TICKETS_CSV = "data/support_tickets.csv"
OUT_CSV = "reports/ticket_tags.csv"
MODEL = os.environ.get("TRIAGE_MODEL", "gpt-4o-mini")
BATCH = 40

SYSTEM_PROMPT = """You are a support triage assistant.
For every ticket in the CSV below return a JSON list of objects with keys
ticket_id, category (billing|bug|account|other) and urgency (1-5)."""


def chunks(frame, size):
    for start in range(0, len(frame), size):
        yield frame.iloc[start:start + size]


def tag_batch(client, batch, retries=3):
    # the model sees the whole row incl. customer name/email - it helps with "account" tickets
    prompt = SYSTEM_PROMPT + "\n\n" + batch.to_csv(index=False)
    for attempt in range(retries):
        try:
            resp = client.chat.completions.create(
                model=MODEL,
                temperature=0,
                messages=[{"role": "user", "content": prompt}],
            )
            return json.loads(resp.choices[0].message.content)
        except Exception as exc:  # rate limits mostly
            log.warning("attempt %s failed: %s", attempt + 1, exc)
            time.sleep(2 ** attempt)
    return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    tickets = pd.read_csv(TICKETS_CSV, parse_dates=["created_at"])
    open_tickets = tickets[tickets["priority"].isna()]
    if args.limit:
        open_tickets = open_tickets.head(args.limit)
    log.info("tagging %d tickets", len(open_tickets))

    client = OpenAI()  # OPENAI_API_KEY from env
    tags = []
    for batch in chunks(open_tickets, BATCH):
        tags.extend(tag_batch(client, batch))

    pd.DataFrame(tags).to_csv(OUT_CSV, index=False)


if __name__ == "__main__":
    main()
