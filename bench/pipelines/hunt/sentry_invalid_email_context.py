import pandas as pd
import sentry_sdk

sentry_sdk.init(dsn="https://abc@o0.ingest.sentry.io/0")
df = pd.read_csv("data/customers.csv")
for rec in df.to_dict(orient="records"):
    if "@" not in rec["email"]:
        sentry_sdk.set_context("customer", rec)
        sentry_sdk.capture_message("invalid email")
