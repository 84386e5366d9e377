"""Nightly copies between the company's own databases: nothing leaves."""
import pendulum
from airflow import DAG
from airflow.operators.generic_transfer import GenericTransfer
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG("warehouse_transfers", schedule="@daily",
         start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False) as dag:
    copy_orders = GenericTransfer(
        task_id="orders_to_warehouse",
        source_conn_id="shop_replica",
        destination_conn_id="warehouse",
        sql="SELECT order_id, store_id, amount, created_at FROM sales.orders WHERE created_at::date = '{{ ds }}'",
        destination_table="staging.orders",
        preoperator="DELETE FROM staging.orders WHERE created_at::date = '{{ ds }}'",
    )
    rollup = SQLExecuteQueryOperator(
        task_id="store_rollup",
        conn_id="warehouse",
        sql="""INSERT INTO analytics.store_daily (store_id, day, revenue)
               SELECT store_id, created_at::date, SUM(amount) FROM staging.orders GROUP BY 1, 2""",
    )
    copy_orders >> rollup
