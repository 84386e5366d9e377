"""Morning bot: posts yesterday's failed payments to #payments-ops with the CSV attached."""
import logging
import os
from datetime import date, timedelta

import pandas as pd
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger("payments_bot")
CHANNEL = "#payments-ops"
client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])


def main():
    y = date.today() - timedelta(days=1)
    tx = pd.read_csv("data/transactions.csv", parse_dates=["txn_ts"])
    people = pd.read_csv("data/customers.csv", usecols=["customer_id", "first_name", "email"])
    failed = tx[(tx.txn_ts.dt.date == y) & (tx.amount < 0)].merge(people, on="customer_id")
    failed.to_csv("/tmp/failed_payments.csv", index=False)
    try:
        client.chat_postMessage(channel=CHANNEL, text=f"Failed payments {y}:\n```{failed.head(20).to_string()}```")
        client.files_upload_v2(channel=CHANNEL, file="/tmp/failed_payments.csv", title=f"failed {y}")
    except SlackApiError as e:
        logger.error("slack error: %s", e.response["error"])


if __name__ == "__main__":
    main()
