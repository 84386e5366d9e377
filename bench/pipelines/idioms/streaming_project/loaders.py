import os

import pandas as pd

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def load_customers():
    return pd.read_csv(os.path.join(DATA_DIR, "customers.csv"))
