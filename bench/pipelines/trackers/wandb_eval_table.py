"""Evaluate the churn model and push a per-customer prediction table to W&B for error analysis."""
import argparse

import joblib
import pandas as pd
import wandb

FEATURES = ["tenure_days", "orders_90d", "tickets_90d", "avg_basket"]


def main(model_path, data_path):
    run = wandb.init(project="churn", job_type="eval", config={"model": model_path})
    model = joblib.load(model_path)
    df = pd.read_csv(data_path)
    df["pred"] = model.predict_proba(df[FEATURES])[:, 1]
    # keep email + name in the table so CS can look people up directly from the dashboard
    errors = df[(df["pred"] > 0.5) != df["churned"]]
    table = wandb.Table(dataframe=errors[["customer_id", "email", "first_name", "pred", "churned"]])
    run.log({"misclassified": table, "n_errors": len(errors)})
    run.finish()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/churn_gbm.joblib")
    ap.add_argument("--data", default="data/customers_features.csv")
    ns = ap.parse_args()
    main(ns.model, ns.data)
