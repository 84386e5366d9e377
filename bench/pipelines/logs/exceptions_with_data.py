"""Loader for the employee master file. Fails loudly - the error text ends up in the
Airflow task log and the on-failure email."""
import warnings

import pandas as pd

REQUIRED = ["employee_id", "full_name", "ssn", "salary"]


class BadRowError(ValueError):
    pass


def check_row(row):
    if not str(row["ssn"]).replace("-", "").isdigit():
        raise BadRowError(f"bad row {row.to_dict()}")
    if row["salary"] <= 0:
        warnings.warn(f"suspicious salary for {row['full_name']} ({row['ssn']}): {row['salary']}")


def load(path="data/employees.csv"):
    df = pd.read_csv(path)
    missing = set(REQUIRED) - set(df.columns)
    if missing:
        raise ValueError(f"missing columns: {sorted(missing)}")
    for _, row in df.iterrows():
        check_row(row)
    return df


if __name__ == "__main__":
    employees = load()
    employees.to_parquet("warehouse/employees.parquet")
