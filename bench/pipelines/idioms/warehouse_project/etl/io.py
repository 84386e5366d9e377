"""Readers shared by every warehouse job."""
import os

import pandas as pd

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def read_table(name, **kwargs):
    return pd.read_csv(os.path.join(DATA_DIR, f"{name}.csv"), **kwargs)


def slugify(text):
    return text.strip().lower().replace(" ", "_")
