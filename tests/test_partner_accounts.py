"""Rows sent to a queue, stream or API whose address is built at run time, the way real DAGs
build them: in a settings module, from a region or version read from the environment, around an
account id or a host written in the code. What is written of the address is judged — a partner's
AWS account leaves the organisation (`own_cloud_accounts`), the organisation's own stays — and
never read as a queue of its own just because one part of its address is not known."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

USERS = "user_id,email,full_name\n1,ada@example.com,Ada Lovelace\n"
SETTINGS = '''\
import os

AWS_REGION = os.environ.get("AWS_REGION", "eu-west-1")
PARTNER_QUEUE_URL = f"https://sqs.{AWS_REGION}.amazonaws.com/246813579024/partner-user-sync"
OWN_QUEUE_URL = f"https://sqs.{AWS_REGION}.amazonaws.com/111122223333/user-updates"
CLICKS_ARN = "arn:aws:kinesis:" + AWS_REGION + ":999999999999:stream/partner-clicks"
CRM_API = f"https://api.partner-crm.example.com/{os.environ['CRM_API_VERSION']}"
'''
DAG = '''\
import json
from datetime import datetime

import boto3
import pandas as pd
import requests
from airflow.decorators import dag, task

from common.settings import AWS_REGION, CLICKS_ARN, CRM_API, OWN_QUEUE_URL, PARTNER_QUEUE_URL


@dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
def sync_users():
    @task
    def push():
        users = pd.read_csv("data/users.csv")
        sqs = boto3.client("sqs", region_name=AWS_REGION)
        for record in users.to_dict(orient="records"):
            sqs.send_message(QueueUrl=PARTNER_QUEUE_URL, MessageBody=json.dumps(record))
            sqs.send_message(QueueUrl=OWN_QUEUE_URL, MessageBody=json.dumps(record))
        kinesis = boto3.client("kinesis")
        kinesis.put_record(StreamARN=CLICKS_ARN, Data=users.to_json(), PartitionKey="u")
        requests.post(CRM_API + "/contacts", json=users.to_dict(orient="records"))

    push()


sync_users()
'''


def test_an_address_built_in_a_settings_module_is_judged_by_what_is_written(
        tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/users.csv": USERS, "dags/common/__init__.py": "",
                                     "dags/common/settings.py": SETTINGS,
                                     "dags/sync_users.py": DAG})
    sent = {(line, dest, allowed) for _, line, action, _, dest, allowed
            in operation_rows(project) if action in ("write", "export")}
    assert sent == {
        (19, "sqs:https://sqs.{AWS_REGION}.amazonaws.com/246813579024/partner-user-sync", False),
        (20, "sqs:https://sqs.{AWS_REGION}.amazonaws.com/111122223333/user-updates", True),
        (22, "kinesis:arn:aws:kinesis:{AWS_REGION}:999999999999:stream/partner-clicks", False),
        (23, "https://api.partner-crm.example.com/{os.environ['CRM_API_VERSION']}/contacts",
         False),
    }


def test_a_table_written_through_a_bigquery_client_is_in_the_clients_project(
        tmp_path: Path) -> None:
    """`bigquery.Client(project=p)` stands for its project: a `dataset.table` loaded or
    streamed through it is `p.dataset.table`, a partner's project outside the organisation; a
    table named in full keeps its own project, and a client without one names none."""
    project = write_files(tmp_path, {"data/users.csv": USERS, "load.py": '''\
import pandas as pd
from google.cloud import bigquery

users = pd.read_csv("data/users.csv")
vendor = bigquery.Client(project="vendor-audiences-prod")
vendor.load_table_from_dataframe(users, "audiences.users").result()
ours = bigquery.Client(project="acme-analytics")
ours.load_table_from_dataframe(users, "crm.users")
bigquery.Client().insert_rows_json("crm.users_raw", users.to_dict(orient="records"))
vendor.insert_rows_json("acme-analytics.crm.users_copy", users.to_dict(orient="records"))
'''})
    written = {(line, dest, allowed) for _, line, action, _, dest, allowed
               in operation_rows(project) if action in ("write", "export")}
    assert written == {(6, "vendor-audiences-prod.audiences.users", False),
                       (8, "acme-analytics.crm.users", True),
                       (9, "crm.users_raw", True),
                       (10, "acme-analytics.crm.users_copy", True)}


def test_a_pubsub_topic_path_names_its_project(tmp_path: Path) -> None:
    """`publisher.topic_path("partner-prod", "signups")` is `projects/partner-prod/topics/
    signups`: published there, the rows go to another organisation's project (it was named
    `partner-prod/signups`, which no account check could read)."""
    project = write_files(tmp_path, {"data/users.csv": USERS, "publish.py": '''\
import pandas as pd
from google.cloud import pubsub_v1

publisher = pubsub_v1.PublisherClient()
users = pd.read_csv("data/users.csv")
publisher.publish(publisher.topic_path("partner-prod", "signups"), users.to_json().encode())
publisher.publish(publisher.topic_path("acme-analytics", "signups"), users.to_json().encode())
'''})
    sent = {(line, dest, allowed) for _, line, action, _, dest, allowed
            in operation_rows(project) if action in ("write", "export")}
    assert sent == {(6, "pubsub:projects/partner-prod/topics/signups", False),
                    (7, "pubsub:projects/acme-analytics/topics/signups", True)}
