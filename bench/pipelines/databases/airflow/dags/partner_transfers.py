"""Weekly partner feeds: the transfer operators move the rows, no Python touches them."""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.amazon.aws.transfers.sql_to_s3 import SqlToS3Operator
from airflow.providers.google.cloud.transfers.postgres_to_gcs import PostgresToGCSOperator
from airflow.providers.slack.transfers.sql_to_slack import SqlToSlackOperator

PARTNER_BUCKET = "adpartner-ingest"
default_args = {"owner": "crm-data", "retries": 2, "retry_delay": timedelta(minutes=10)}

with DAG(
    dag_id="partner_transfers",
    default_args=default_args,
    schedule="0 6 * * 1",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    template_searchpath=["/opt/airflow/dags/sql"],
    params={"only_opted_in": True},
) as dag:
    feed = SqlToS3Operator(
        task_id="contacts_to_partner",
        sql_conn_id="crm_replica",
        query="weekly_contacts.sql",
        s3_bucket=PARTNER_BUCKET,
        s3_key="acme/contacts_{{ ds_nodash }}.parquet",
        file_format="parquet",
        replace=True,
    )
    archive = PostgresToGCSOperator(
        task_id="orders_to_vendor",
        postgres_conn_id="crm_replica",
        sql="""SELECT o.order_id, o.customer_id, c.email, o.amount
               FROM sales.orders o JOIN crm.customers c USING (customer_id)
               WHERE o.created_at::date = '{{ ds }}'""",
        bucket="fulfilment-vendor-drop",
        filename="orders/{{ ds }}/part-{}.json",
        export_format="json",
    )
    alert = SqlToSlackOperator(
        task_id="vip_digest",
        sql_conn_id="crm_replica",
        sql="SELECT full_name, phone FROM crm.customers WHERE lifetime_value > 10000",
        slack_conn_id="slack_api",
        slack_channel="#sales-vip",
        slack_message="VIP customers this week:\n{{ results_df }}",
    )
    feed >> archive >> alert
