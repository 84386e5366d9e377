"""Heart-failure cohort for the quality team: python readmissions.py"""
import pandas as pd

from sinks import ParquetSink

HANDOFF = "/mnt/handoff/quality"


def main():
    patients = pd.read_csv("data/patients.csv")
    cohort = patients[patients["diagnosis_code"].str.startswith("I50")]
    ParquetSink(root=HANDOFF, partition="weekly").write(cohort, "heart_failure_cohort")
    ParquetSink().write(cohort[["patient_id", "full_name", "visit_date"]], "heart_failure_visits")


if __name__ == "__main__":
    main()
