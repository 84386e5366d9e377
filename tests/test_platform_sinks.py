"""Places data platforms move data to that a second fail-open hunt found unmodelled: Databricks'
`dbutils.fs`, BigQuery's server-side extract, RDD writers, Spark's `write.jdbc` to a partner's
server, Django's mail, a Celery task started with `.delay`, and a table read from a named
schema. Each sent customer data with nothing reported, or as a table of the project's own."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

PEOPLE = "customer_id,full_name,email,phone\n"
SCHEMA = "CREATE TABLE crm.customers (customer_id BIGINT, full_name TEXT, email TEXT);\n"


def _outputs(project: Path) -> dict[str, bool]:
    return {dest: allowed for _, _, action, _, dest, allowed in operation_rows(project)
            if action in ("write", "export")}


def test_platform_copies_go_where_they_say(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"schema.sql": SCHEMA, "data/customers.csv": PEOPLE,
                                     "job.py": '''\
import json

import pandas as pd
from google.cloud import bigquery
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
people = spark.read.csv("data/customers.csv", header=True)
dbutils.fs.cp("data/customers.csv", "s3a://partner-bank-inbox/members/")
dbutils.fs.put("/mnt/partner/members.json", people.toPandas().to_json())
bigquery.Client().extract_table("crm.customers", "gs://agency-partner-drop/c-*.csv")
people.rdd.map(json.dumps).saveAsTextFile("s3://partner-research-lake/raw/people")
people.write.jdbc("jdbc:mysql://mysql.partner-clinic.example.com/ingest", "patients")
people.write.jdbc("jdbc:postgresql://warehouse:5432/dw", "staging.people")
'''})
    assert _outputs(project) == {
        "s3a://partner-bank-inbox/members/": False,
        "/mnt/partner/members.json": False,
        "gs://agency-partner-drop/c-*.csv": False,
        "s3://partner-research-lake/raw/people": False,
        "mysql://mysql.partner-clinic.example.com/ingest/patients": False,
        "staging.people": True,
        "crm.customers": True,  # the schema file's CREATE TABLE
    }


def test_app_code_sends_through_mail_and_task_queues(tmp_path: Path) -> None:
    """Django's `send_mail` to a partner's address; a Celery task of another file started
    with `.delay(rows, url)` posts the rows (its line reports the caller's data)."""
    project = write_files(tmp_path, {"lacuna.toml": "", "data/customers.csv": PEOPLE,
                                     "tasks.py": '''\
import requests
from celery import shared_task


@shared_task
def push_many(rows, url):
    requests.post(url, json=rows, timeout=30)
''', "views.py": '''\
import pandas as pd
from django.core.mail import send_mail

from tasks import push_many

df = pd.read_csv("data/customers.csv")
send_mail("contacts", df.to_csv(), "etl@acme.example", ["ops@agency-partner.example"])
push_many.delay(df.to_dict("records"), "https://partner.example.org/ingest")
'''})
    assert _outputs(project) == {"mailto:ops@agency-partner.example": False,
                                 "https://partner.example.org/ingest": False}


def test_a_table_read_from_a_named_schema_is_that_table(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"views.sql": '''\
CREATE TABLE crm.customers (customer_id BIGINT, email TEXT, phone TEXT);
CREATE VIEW analytics.contact_feed AS SELECT customer_id, email, phone FROM crm.customers;
''', "feed.py": '''\
import pandas as pd
from sqlalchemy import create_engine

feed = pd.read_sql_table("contact_feed", create_engine("postgresql://etl@dw/dw"),
                         schema="analytics")
feed.to_csv("/tmp/feed.csv")
'''})
    assert _outputs(project)["/tmp/feed.csv"] is False


def test_a_browser_the_clipboard_and_a_cli_echo_receive_what_they_are_given(
        tmp_path: Path) -> None:
    """A search opened on a customer's name hands it to the search engine; the clipboard and
    `click.echo` (a command-line tool's output, like `print`) hold the rows. All were
    unseen."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "tool.py": '''\
import webbrowser

import click
import pandas as pd
import pyperclip

df = pd.read_csv("data/customers.csv")
first = df.iloc[0]
webbrowser.open("https://www.google.com/search?q=" + first["full_name"])
pyperclip.copy(df[["email", "phone"]].to_csv())
click.echo(df.to_csv())
'''})
    assert _outputs(project) == {
        'https://www.google.com/search?q={first["full_name"]}': False,
        "clipboard": False,
        "stdout": False,
    }
