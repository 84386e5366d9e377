"""Copies active loyalty members from the app database into the warehouse every night."""
import csv
import os
from datetime import datetime
from pathlib import Path

import psycopg2
import psycopg2.extras as extras
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook

SQL_DIR = Path(__file__).resolve().parent / "sql"
STAGING = "/opt/airflow/staging/active_members.csv"


def extract_members():
    query = (SQL_DIR / "active_members.sql").read_text(encoding="utf-8")
    frame = PostgresHook(postgres_conn_id="loyalty_app").get_pandas_df(query)
    frame.to_csv(STAGING, index=False)


def load_members():
    with open(STAGING, newline="") as fh:
        rows = [tuple(r) for r in csv.reader(fh)][1:]
    conn = psycopg2.connect(os.environ["WAREHOUSE_DSN"])
    with conn, conn.cursor() as cur:
        extras.execute_values(cur, "INSERT INTO warehouse.loyalty_members (member_id, full_name, email, phone) VALUES %s", rows)


with DAG("loyalty_members_copy", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False):
    extract = PythonOperator(task_id="extract", python_callable=extract_members)
    load = PythonOperator(task_id="load", python_callable=load_members)
    extract >> load
