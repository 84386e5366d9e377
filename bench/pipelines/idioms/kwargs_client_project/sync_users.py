"""Keeps the helpdesk's user list in step with ours so agents see who is writing in."""
import argparse
import logging

import pandas as pd

from crm_client import send

log = logging.getLogger("sync_users")


def load_users(path):
    users = pd.read_csv(path, usecols=["user_id", "username", "email", "country"])
    return users.drop_duplicates("email")


def sync(users, batch=200):
    for start in range(0, len(users), batch):
        rows = users.iloc[start:start + batch].to_dict(orient="records")
        send(json={"users": rows, "upsert": True})
    log.info("synced %d users", len(users))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    sync(load_users("data/users.csv"), batch=args.batch)
