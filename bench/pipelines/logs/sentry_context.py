"""Payment reconciliation; errors go to Sentry (sentry.io, EU region)."""
import os

import pandas as pd
import sentry_sdk

sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], traces_sample_rate=0.1, environment="prod")


def reconcile(txns, ledger):
    merged = txns.merge(ledger, on="txn_id", how="left", indicator=True)
    orphans = merged[merged["_merge"] == "left_only"]
    for rec in orphans.to_dict("records"):
        sentry_sdk.set_context("transaction", rec)
        sentry_sdk.capture_message(f"orphan transaction {rec['txn_id']} card {rec['card_number']}", level="warning")
    return merged


if __name__ == "__main__":
    txns = pd.read_csv("data/transactions.csv")
    ledger = pd.read_parquet("warehouse/ledger.parquet")
    out = reconcile(txns, ledger)
    sentry_sdk.set_tag("rows", len(out))
    out.to_parquet("warehouse/reconciled.parquet")
