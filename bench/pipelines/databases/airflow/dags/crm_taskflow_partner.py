"""Nightly CRM extract: warehouse rows to the partner bucket and a Slack summary."""
from datetime import datetime

import boto3
from airflow.decorators import dag, task
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.postgres.hooks.postgres import PostgresHook
from slack_sdk import WebClient

PARTNER_BUCKET = "brightads-inbound"


@dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
def crm_partner_sync():
    @task
    def extract():
        hook = PostgresHook(postgres_conn_id="crm")
        return hook.get_pandas_df("SELECT customer_id, email, phone FROM crm.customers WHERE active")

    @task
    def ship(frame):
        s3 = boto3.client("s3")
        s3.put_object(Bucket=PARTNER_BUCKET, Key="acme/customers.csv", Body=frame.to_csv(index=False))
        frame.to_csv("/tmp/customers_full.csv", index=False)
        S3Hook(aws_conn_id="aws").load_file("/tmp/customers_full.csv", key="acme/full.csv", bucket_name=PARTNER_BUCKET)
        return len(frame)

    @task
    def notify(frame):
        WebClient(token="xoxb").chat_postMessage(channel="#crm", text=frame.head().to_string())

    rows = extract()
    ship(rows)
    notify(rows)


crm_partner_sync()
