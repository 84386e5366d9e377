# Nightly forecast backtest: only parameters and error metrics go to MLflow.
import mlflow
import pandas as pd

params = {"horizon_days": 28, "seasonality": "weekly", "model": "ets"}

sales = pd.read_csv("data/sales_daily.csv", parse_dates=["sale_date"])
daily = sales.groupby("sale_date")["revenue"].sum()
forecast = daily.rolling(7).mean().shift(1)
mape = ((daily - forecast).abs() / daily).dropna().mean()

with mlflow.start_run(run_name="backtest"):
    mlflow.log_params(params)
    mlflow.log_metric("mape", float(mape))
    mlflow.log_metric("days", int(daily.shape[0]))
