"""Train the propensity model and track everything in MLflow.

The tracking server (and its artifact store) is hosted by the modelling contractor, Quantic Labs.
"""
import logging

import mlflow
import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

logging.basicConfig(level=logging.INFO)
mlflow.set_tracking_uri("https://mlflow.quantic-labs.example.com")
mlflow.set_experiment("propensity")

DATA = "data/customers_features.csv"
TARGET = "converted"

df = pd.read_csv(DATA)
X_train, X_test, y_train, y_test = train_test_split(
    df.drop(columns=[TARGET]), df[TARGET], test_size=0.2, random_state=42
)

with mlflow.start_run(run_name="logreg-baseline"):
    mlflow.log_input(mlflow.data.from_pandas(df, source=DATA, name="customers_features"), context="training")
    model = LogisticRegression(max_iter=500).fit(X_train.select_dtypes("number"), y_train)
    acc = model.score(X_test.select_dtypes("number"), y_test)
    mlflow.log_metric("accuracy", acc)
    mlflow.log_table(data=X_test.assign(label=y_test), artifact_file="eval/test_rows.json")
    mlflow.log_artifact(DATA, artifact_path="raw")
    mlflow.sklearn.log_model(model, "model")
