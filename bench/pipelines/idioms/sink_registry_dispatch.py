"""Ships the weekly contact export to whichever sink ops configured for this tenant.

Sinks are registered in a dict so new ones are one line; the tenant's sink comes from argv.
"""
import argparse
import logging
import time

import pandas as pd
import requests

log = logging.getLogger(__name__)
PARTNER_API = "https://ingest.partner-dialer.example/v2/contacts"


def push(frame, retries=3):
    for attempt in range(retries):
        resp = requests.post(PARTNER_API, json=frame.to_dict(orient="records"), timeout=60)
        if resp.ok:
            return
        log.warning("dialer said %s, retrying", resp.status_code)
        time.sleep(2 ** attempt)
    resp.raise_for_status()


SINKS = {
    "s3": lambda d: d.to_csv("s3://dialer-dropbox-partner/acme/contacts.csv", index=False),
    "api": push,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sink", choices=sorted(SINKS))
    args = parser.parse_args()
    contacts = pd.read_csv("data/customers.csv", usecols=["customer_id", "first_name", "email", "phone"])
    log.info("sending %d contacts via %s", len(contacts), args.sink)
    SINKS[args.sink](contacts)


if __name__ == "__main__":
    main()
