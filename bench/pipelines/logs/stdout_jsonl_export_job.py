"""Cron job (03:00): emits the day's new sign-ups as JSON lines on stdout, which the scheduler
appends to /var/log/jobs/signups.log for the downstream loader to tail."""
import json
import sys

import pandas as pd


def main():
    customers = pd.read_csv("data/customers.csv", parse_dates=["signup_date"])
    today = customers[customers["signup_date"] >= pd.Timestamp.today().normalize()]
    for record in today[["customer_id", "email", "phone", "plan"]].to_dict("records"):
        sys.stdout.write(json.dumps(record) + "\n")
    sys.stderr.write(f"{len(today)} sign-ups emitted\n")


if __name__ == "__main__":
    main()
