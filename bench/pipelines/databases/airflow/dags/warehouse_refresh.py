# Warehouse refresh DAG: everything stays inside the warehouse.
import pendulum
from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.postgres.operators.postgres import PostgresOperator
from airflow.operators.python import PythonOperator

CUSTOMER_FACTS_SQL = """
INSERT INTO analytics.customer_facts (customer_id, orders, revenue)
SELECT c.customer_id, COUNT(o.order_id), SUM(o.amount)
FROM crm.customers c LEFT JOIN sales.orders o ON o.customer_id = c.customer_id
GROUP BY c.customer_id
"""


def record_load(**context):
    hook = PostgresHook(postgres_conn_id="warehouse")
    n = hook.get_first("SELECT count(*) FROM analytics.customer_facts")[0]
    hook.insert_rows(table="audit.loads", rows=[(context["ds"], "customer_facts", n)],
                     target_fields=["ds", "table_name", "row_count"])


with DAG("warehouse_refresh", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
         schedule="@daily", catchup=False, template_searchpath=["/opt/airflow/dags/sql"]) as dag:
    facts = SQLExecuteQueryOperator(task_id="customer_facts", conn_id="warehouse", sql=CUSTOMER_FACTS_SQL)
    revenue = PostgresOperator(task_id="daily_revenue", postgres_conn_id="warehouse",
                               sql="refresh_daily_revenue.sql")
    audit = PythonOperator(task_id="record_load", python_callable=record_load)
    facts >> revenue >> audit
