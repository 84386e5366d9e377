"""Normalise customer contact fields; where to read and write comes from config/job.yaml."""
from pathlib import Path

import pandas as pd
import yaml

CONFIG = Path(__file__).parent / "config" / "job.yaml"


def load_config(path=CONFIG):
    with open(path) as fh:
        return yaml.safe_load(fh)


def main():
    cfg = load_config()
    customers = pd.read_csv(cfg["input"]["customers"])
    customers["email"] = customers["email"].str.strip().str.lower()
    customers["phone"] = customers["phone"].str.replace(r"\D", "", regex=True)
    customers.to_csv(cfg["output"]["cleaned"], index=False)


if __name__ == "__main__":
    main()
