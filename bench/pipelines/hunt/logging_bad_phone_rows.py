import logging

import pandas as pd

log = logging.getLogger("etl.sync")
df = pd.read_csv("data/customers.csv")
for _, row in df.iterrows():
    if not str(row["phone"]).startswith("+"):
        log.warning("bad phone for %s: %s", row["email"], row["phone"])
