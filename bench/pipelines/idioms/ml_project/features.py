"""Feature helpers shared by train.py and the scoring service."""
import pandas as pd


def load(path):
    return pd.read_csv(path)


def add_ratios(df):
    df = df.copy()
    df["tickets_per_order"] = df["tickets_90d"] / df["orders_90d"].clip(lower=1)
    return df
