from pathlib import Path

import pandas as pd

WH = Path("warehouse") / "staging"
df = pd.read_csv("data/customers.csv")
df.to_parquet(WH / "customers.parquet")
