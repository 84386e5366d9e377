"""Loyalty members to the rewards partner: one task extracts, the next posts what the first
pushed to XCom."""
from datetime import datetime, timedelta

import pandas as pd
import requests
from airflow import DAG
from airflow.operators.python import PythonOperator

REWARDS_API = "https://api.rewards-partner.example/v1/members/bulk"

default_args = {"owner": "crm", "retries": 2, "retry_delay": timedelta(minutes=5)}


def extract_members(ti, **_):
    members = pd.read_csv("/opt/airflow/data/customers.csv", usecols=["customer_id", "email", "phone", "plan"])
    members = members[members["plan"] == "gold"]
    ti.xcom_push(key="members", value=members.to_json(orient="records"))
    return len(members)


def push_members(ti, **_):
    payload = ti.xcom_pull(task_ids="extract_members", key="members")
    resp = requests.post(REWARDS_API, data=payload, headers={"Content-Type": "application/json"}, timeout=60)
    resp.raise_for_status()


with DAG("loyalty_rewards_push", default_args=default_args, start_date=datetime(2024, 3, 1),
         schedule="0 4 * * *", catchup=False, tags=["crm", "partner"]) as dag:
    extract = PythonOperator(task_id="extract_members", python_callable=extract_members)
    push = PythonOperator(task_id="push_members", python_callable=push_members)
    extract >> push
