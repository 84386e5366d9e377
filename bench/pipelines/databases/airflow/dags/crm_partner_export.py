"""
### CRM partner export
Daily: pull yesterday's customers from the CRM replica, drop the file in the partner bucket and
email it to the partner's account manager.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.email import EmailOperator
from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.postgres.hooks.postgres import PostgresHook

LOCAL_EXPORT = "/tmp/crm_partner_export.csv"

default_args = {
    "owner": "data-eng",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "email_on_failure": True,
    "email": ["data-eng@acme.example"],
}


def extract_customers(**context):
    hook = PostgresHook(postgres_conn_id="crm_replica")
    df = hook.get_pandas_df(
        "SELECT customer_id, first_name, last_name, email, phone, city FROM crm.customers "
        "WHERE updated_at::date = %(ds)s",
        parameters={"ds": context["ds"]},
    )
    df.to_csv(LOCAL_EXPORT, index=False)
    return len(df)


def upload_to_partner(**_):
    S3Hook(aws_conn_id="partner_s3").load_file(
        filename=LOCAL_EXPORT,
        key="incoming/acme_customers.csv",
        bucket_name="loyaltyco-inbound",
        replace=True,
    )


with DAG(
    dag_id="crm_partner_export",
    start_date=datetime(2024, 1, 1),
    schedule="0 3 * * *",
    catchup=False,
    default_args=default_args,
    tags=["crm", "partner"],
) as dag:
    extract = PythonOperator(task_id="extract", python_callable=extract_customers)
    upload = PythonOperator(task_id="upload", python_callable=upload_to_partner)
    notify = EmailOperator(
        task_id="email_partner",
        to="accounts@loyaltyco.example",
        subject="Acme customers {{ ds }}",
        html_content="Attached: yesterday's customer changes.",
        files=[LOCAL_EXPORT],
    )
    extract >> upload >> notify
