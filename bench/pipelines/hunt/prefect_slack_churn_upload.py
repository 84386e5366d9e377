import pandas as pd
from prefect import flow, task
from slack_sdk import WebClient


@task
def load():
    return pd.read_csv("data/customers.csv")


@task
def notify(df):
    WebClient(token="xoxb").files_upload_v2(channel="C123", content=df.to_csv(), filename="churn.csv")


@flow
def churn_alert():
    notify(load())
