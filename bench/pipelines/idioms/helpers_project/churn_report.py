"""Monthly churn report for the retention team: python churn_report.py"""
from pathlib import Path

from io_utils import read_csv_clean, read_parquet_dir

OUT = Path.home() / "reports" / "churn_by_plan.csv"


def main():
    customers = read_csv_clean("data/customers.csv", dtype={"postcode": str})
    scores = read_parquet_dir("warehouse/churn_scores.parquet")
    merged = customers.merge(scores, on="customer_id")
    merged[["email", "plan", "churn_score"]].to_csv(OUT, index=False)


if __name__ == "__main__":
    main()
