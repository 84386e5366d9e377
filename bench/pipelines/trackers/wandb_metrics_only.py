"""Log aggregate training metrics to W&B. No row-level data leaves: only numbers."""
import joblib
import pandas as pd
import wandb
from sklearn.metrics import f1_score, roc_auc_score

FEATURES = ["tenure_days", "orders_90d", "tickets_90d", "avg_basket"]

if __name__ == "__main__":
    run = wandb.init(project="churn", job_type="eval")
    model = joblib.load("models/churn_gbm.joblib")
    holdout = pd.read_csv("data/customers_features.csv")
    proba = model.predict_proba(holdout[FEATURES])[:, 1]
    run.summary["auc"] = roc_auc_score(holdout["churned"], proba)
    run.log({"f1": f1_score(holdout["churned"], proba > 0.5), "n_holdout": len(holdout)})
    run.finish()
