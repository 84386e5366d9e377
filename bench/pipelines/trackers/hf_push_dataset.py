"""Publish the labelled intent dataset to the Hub so the fine-tuning notebook can pull it.

The repo is private (for now). Run: python hf_push_dataset.py --repo acme/support-intents
"""
import argparse
import logging

import pandas as pd
from datasets import Dataset, DatasetDict

log = logging.getLogger(__name__)


def build(tickets_csv: str, labels_parquet: str) -> DatasetDict:
    tickets = pd.read_csv(tickets_csv)
    labels = pd.read_parquet(labels_parquet)
    df = tickets.merge(labels, on="ticket_id")[["ticket_id", "customer_email", "subject", "body", "intent"]]
    train, test = df[: int(len(df) * 0.9)], df[int(len(df) * 0.9):]
    return DatasetDict({
        "train": Dataset.from_pandas(train, preserve_index=False),
        "test": Dataset.from_pandas(test, preserve_index=False),
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", default="acme/support-intents")
    parser.add_argument("--private", action="store_true", default=True)
    args = parser.parse_args()
    ds = build("data/support_tickets.csv", "warehouse/intent_labels.parquet")
    ds.push_to_hub(args.repo, private=args.private)
    log.info("pushed %s", args.repo)
