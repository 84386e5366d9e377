"""Airflow's transfer operators run a query on one connection and send its rows on — to a
bucket, a chat, a spreadsheet, another database. Written as DAGs are written: SQL inline or in
the project's templated `.sql` files (with Jinja), keyword arguments, the TaskFlow decorator."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import operation_rows, run_lacuna, write_files

SCHEMA = """CREATE TABLE crm.customers (customer_id BIGINT, email VARCHAR, full_name VARCHAR,
    phone VARCHAR, country VARCHAR);
"""
TEMPLATE = """{% set cols = ["email", "phone"] %}
SELECT customer_id, {{ cols | join(", ") }}
FROM crm.customers
WHERE updated_at >= '{{ ds }}' AND updated_at < {{ macros.ds_add(ds, 1) }}
{% if params.only_de %} AND country = 'DE' {% endif %}
"""
DAG = '''\
from datetime import datetime

from airflow import DAG
from airflow.providers.amazon.aws.transfers.redshift_to_s3 import RedshiftToS3Operator
from airflow.providers.amazon.aws.transfers.sql_to_s3 import SqlToS3Operator
from airflow.providers.google.cloud.transfers.bigquery_to_gcs import BigQueryToGCSOperator
from airflow.providers.google.cloud.transfers.postgres_to_gcs import PostgresToGCSOperator
from airflow.providers.google.suite.transfers.sql_to_sheets import SQLToGoogleSheetsOperator
from airflow.providers.slack.transfers.sql_to_slack import SqlToSlackOperator

with DAG("partner_exports", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
    to_s3 = SqlToS3Operator(
        task_id="contacts_to_s3",
        sql_conn_id="crm_db",
        query="SELECT customer_id, email, phone FROM crm.customers",
        s3_bucket="partner-exchange",
        s3_key="contacts/{{ ds }}.csv",
        replace=True,
    )
    to_gcs = PostgresToGCSOperator(
        task_id="contacts_to_gcs",
        postgres_conn_id="crm_db",
        sql="sql/daily_contacts.sql",
        bucket="vendor-drop",
        filename="contacts/{{ ds }}.json",
    )
    unload = RedshiftToS3Operator(task_id="unload", schema="crm", table="customers",
                                  s3_bucket="partner-exchange", s3_key="full.csv")
    bq = BigQueryToGCSOperator(task_id="bq", source_project_dataset_table="crm.customers",
                               destination_cloud_storage_uris="gs://vendor-drop/all.csv")
    sheet = SQLToGoogleSheetsOperator(task_id="sheet", sql_conn_id="crm_db",
                                      sql="SELECT email, full_name FROM crm.customers",
                                      spreadsheet_id="1AbCdEf")
    slack = SqlToSlackOperator(task_id="slack", sql_conn_id="crm_db", slack_channel="#sales",
                               sql="SELECT full_name, phone FROM crm.customers")
    to_s3 >> to_gcs >> unload >> bq >> sheet >> slack
'''


def _exports(project: Path) -> dict[str, tuple[tuple[str, ...], bool]]:
    return {dest: (sources, allowed)
            for _, _, action, sources, dest, allowed in operation_rows(project)
            if action == "export"}


def test_a_transfer_operator_sends_what_its_query_returns(tmp_path: Path) -> None:
    """Each operator's rows come from crm.customers (inline SQL, a Jinja template of the
    project, a table named by schema and table) and leave for a partner: never allowed. The
    catch-all for operators read them as queries alone, and every one of these was allowed."""
    project = write_files(tmp_path, {"sql/schema.sql": SCHEMA,
                                     "sql/daily_contacts.sql": TEMPLATE, "dags/exports.py": DAG})
    assert _exports(project) == {
        "s3://partner-exchange/contacts/{{ ds }}.csv": (("crm.customers",), False),
        "gs://vendor-drop/contacts/{{ ds }}.json": (("crm.customers",), False),
        "s3://partner-exchange/full.csv": (("crm.customers",), False),
        "gs://vendor-drop/all.csv": (("crm.customers",), False),
        "https://docs.google.com/spreadsheets/d/1AbCdEf": (("crm.customers",), False),
        "slack:#sales": (("crm.customers",), False),
    }


def test_the_personal_columns_of_a_template_travel_with_the_transfer(tmp_path: Path) -> None:
    """Checked alone, as a commit's hook checks it: the template is found from the root."""
    project = write_files(tmp_path, {"lacuna.toml": "", "sql/schema.sql": SCHEMA,
                                     "sql/daily_contacts.sql": TEMPLATE, "dags/exports.py": DAG})
    run = run_lacuna("check", "dags/exports.py", "--format", "json", cwd=project)
    sent = next(f for f in json.loads(run.stdout)["findings"]
                if (f["operation"]["destination"] or {}).get("name", "").startswith("gs://"
                                                                                   "vendor-drop/c"))
    assert sent["decision"]["allowed"] is False
    assert {"email", "phone"} <= set(sent["classification"]["sensitive_columns"])


def test_a_template_that_is_not_in_the_project_is_unknown_data_not_none(tmp_path: Path) -> None:
    """`query="sql/export.sql"` whose file the project does not hold (another repository's
    template folder): what is sent cannot be known, so it is blocked as unknown data."""
    project = write_files(tmp_path, {"dags/unload.py": '''\
from airflow.providers.amazon.aws.transfers.sql_to_s3 import SqlToS3Operator

EXPORT = "sql/export.sql"
SqlToS3Operator(task_id="x", sql_conn_id="crm", query=EXPORT, s3_bucket="ext", s3_key="k.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    sent = next(f for f in json.loads(run.stdout)["findings"]
                if f["operation"]["action"] == "export")
    assert sent["operation"]["destination"]["name"] == "s3://ext/k.csv"
    assert sent["classification"]["tier"] == "UNKNOWN"
    assert sent["decision"]["policy_id"] == "LAC-UNK-001"
    assert "sql/export.sql" in sent["decision"]["reasoning"]


def test_a_sql_operator_given_a_template_reads_its_tables(tmp_path: Path) -> None:
    """`SQLExecuteQueryOperator(sql="sql/x.sql")`: the query runs where the task is defined."""
    project = write_files(tmp_path, {"sql/schema.sql": SCHEMA,
                                     "sql/daily_contacts.sql": TEMPLATE, "dags/run.py": '''\
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

SQLExecuteQueryOperator(task_id="y", conn_id="crm", sql="sql/daily_contacts.sql")
'''})
    reads = {(path, sources) for path, _, action, sources, _, _ in operation_rows(project)
             if action == "query"}
    assert ("dags/run.py", ("crm.customers",)) in reads


def test_operators_moving_a_local_file_or_running_a_command_send_it(tmp_path: Path) -> None:
    """A BashOperator's `aws s3 cp`, an SSHOperator's `scp`, a local file to S3 and an SFTP put:
    each sends the customers' file where it says."""
    project = write_files(tmp_path, {
        "data/customers.csv": "customer_id,email,full_name\n1,ada@example.com,Ada\n",
        "dags/push.py": '''\
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.amazon.aws.transfers.local_to_s3 import LocalFilesystemToS3Operator
from airflow.providers.sftp.operators.sftp import SFTPOperator
from airflow.providers.ssh.operators.ssh import SSHOperator

with DAG("push", start_date=datetime(2024, 1, 1), schedule="@daily"):
    BashOperator(task_id="cp", bash_command="aws s3 cp data/customers.csv s3://partner-drop/c.csv")
    SSHOperator(task_id="scp", ssh_conn_id="box",
                command="scp data/customers.csv drop@sftp.partner-co.com:/inbound/")
    LocalFilesystemToS3Operator(task_id="up", filename="data/customers.csv",
                                dest_bucket="partner-drop", dest_key="incoming/c.csv")
    SFTPOperator(task_id="put", ssh_conn_id="partner_sftp", local_filepath="data/customers.csv",
                 remote_filepath="inbound/customers.csv", operation="put")
'''})
    sent = {(line, destination, allowed) for _, line, action, sources, destination, allowed
            in operation_rows(project) if action == "export"}
    assert sent == {(10, "s3://partner-drop/c.csv", False),
                    (11, "sftp://sftp.partner-co.com/inbound/", False),
                    (13, "s3://partner-drop/incoming/c.csv", False),
                    (15, "sftp://partner_sftp/inbound/customers.csv", False)}


def test_a_template_pulling_another_tasks_result_is_data_of_unknown_origin(
        tmp_path: Path) -> None:
    """`data="{{ ti.xcom_pull(task_ids='extract') }}"`: what the extract task returned (the
    customers) is sent when Airflow fills the template in; it is never constant text."""
    project = write_files(tmp_path, {
        "data/customers.csv": "customer_id,email\n1,ada@example.com\n",
        "dags/post.py": '''\
from datetime import datetime

import pandas as pd
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.http.operators.http import HttpOperator


def extract():
    return pd.read_csv("data/customers.csv").to_json(orient="records")


with DAG("post", start_date=datetime(2024, 1, 1), schedule="@daily"):
    PythonOperator(task_id="extract", python_callable=extract)
    HttpOperator(task_id="post", http_conn_id="partner_api", endpoint="/v1/contacts",
                 method="POST", data="{{ ti.xcom_pull(task_ids='extract') }}")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    sent = [(f["classification"]["tier"], f["decision"]["allowed"])
            for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"]
    assert sent == [("UNKNOWN", False)]


STORE_TO_STORE = '''\
from datetime import datetime

from airflow import DAG
from airflow.providers.amazon.aws.operators.s3 import S3CopyObjectOperator
from airflow.providers.amazon.aws.transfers.s3_to_sftp import S3ToSFTPOperator
from airflow.providers.google.cloud.transfers.gcs_to_gcs import GCSToGCSOperator
from airflow.providers.google.cloud.transfers.s3_to_gcs import S3ToGCSOperator

with DAG("partner_share", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
    S3ToSFTPOperator(task_id="a", sftp_conn_id="partner_sftp", sftp_path="/in/customers.csv",
                     s3_bucket="acme-governed", s3_key="crm/customers_full.csv")
    GCSToGCSOperator(task_id="b", source_bucket="acme-governed",
                     source_object="crm/customers_full.csv",
                     destination_bucket="partner-inbox", destination_object="acme/c.csv")
    S3CopyObjectOperator(task_id="c", source_bucket_name="acme-governed",
                         source_bucket_key="crm/customers_full.csv",
                         dest_bucket_name="partner-drop", dest_bucket_key="acme/c.csv")
    S3ToGCSOperator(task_id="d", bucket="acme-governed", prefix="crm/customers/",
                    dest_gcs="gs://partner-inbox/acme/")
    GCSToGCSOperator(task_id="e", source_bucket="acme-governed",
                     source_object="kpi/daily_totals.csv", destination_bucket="acme-governed",
                     destination_object="archive/daily_totals.csv")
'''


def test_transfers_between_remote_stores_move_what_the_source_holds(tmp_path: Path) -> None:
    """S3 to SFTP, GCS to GCS, an S3 copy, S3 to GCS: the object named goes where the operator
    puts it (before, none of them was an operation at all); a copy inside governed storage of
    a file named for totals is allowed."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "dags/share.py": STORE_TO_STORE})
    assert _exports(project) == {
        "sftp://partner_sftp//in/customers.csv": (("s3://acme-governed/crm/customers_full.csv",),
                                                  False),
        "gs://partner-inbox/acme/c.csv": (("gs://acme-governed/crm/customers_full.csv",), False),
        "s3://partner-drop/acme/c.csv": (("s3://acme-governed/crm/customers_full.csv",), False),
        "gs://partner-inbox/acme/": (("s3://acme-governed/crm/customers/",), False),
        "gs://acme-governed/archive/daily_totals.csv": (
            ("gs://acme-governed/kpi/daily_totals.csv",), True)}


def test_a_file_a_helper_mails_is_the_file_its_caller_names(tmp_path: Path) -> None:
    """`send_email(..., files=[path])` in a helper given the path: the file the caller names
    is attached (before, a list holding the parameter was no file at all: PUBLIC, allowed)."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": "customer_id,full_name,email\n",
                                     "dags/mail.py": '''\
import pandas as pd
from airflow.utils.email import send_email

pd.read_csv("data/customers.csv").to_csv("reports/churn.csv", index=False)


def mail(path):
    send_email(to="retention@agency-partner.example", subject="churn", html_content="x",
               files=[path])


mail("reports/churn.csv")
'''})
    assert _exports(project) == {
        "mailto:retention@agency-partner.example": (("reports/churn.csv",), False)}
