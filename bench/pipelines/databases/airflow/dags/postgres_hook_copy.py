"""Nightly dump of the users table for the BI vendor's SFTP pickup folder (mounted locally)."""
from datetime import datetime

from airflow.decorators import dag, task
from airflow.providers.postgres.hooks.postgres import PostgresHook

DUMP_PATH = "/data/sftp/bi_vendor/users.csv"


@dag(schedule="30 1 * * *", start_date=datetime(2024, 1, 1), catchup=False, tags=["bi"])
def users_dump():
    @task
    def dump():
        hook = PostgresHook(postgres_conn_id="app_db")
        hook.copy_expert("COPY (SELECT user_id, username, email, ip_address FROM app.users) TO STDOUT WITH CSV HEADER",
                         DUMP_PATH)

    @task
    def count_rows():
        hook = PostgresHook(postgres_conn_id="app_db")
        records = hook.get_records("SELECT count(*) FROM app.users")
        print(f"users dumped: {records[0][0]}")

    dump() >> count_rows()


users_dump()
