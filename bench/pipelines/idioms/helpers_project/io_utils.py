"""IO helpers shared by the analytics scripts (keeps read options in one place)."""
import pandas as pd


def read_csv_clean(path, **kwargs):
    df = pd.read_csv(path, **kwargs)
    df.columns = [c.strip().lower() for c in df.columns]
    return df


def read_parquet_dir(path):
    return pd.read_parquet(path)
