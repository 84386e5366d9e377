"""Payloads and places passed by position, the way the libraries' own examples pass them.

A catalog row reads an argument by keyword, by position, or both; a row that knew only the
keyword read `client.log_text(run_id, df.to_csv(), "c.csv")` as sending the run id, and
`es.index("customers", doc)` as sending nothing. Each job below sends the customers to a
service outside by position only, and each was allowed (most of them as PUBLIC) before its
row learnt the position. One project, one check: every job must be blocked with the
customers' tier at the line marked `# sent`.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
HEAD = 'import pandas as pd\n\ncustomers = pd.read_csv("data/customers.csv")\n'
JOBS = {
    "mlflow_client.py": '''\
from mlflow import MlflowClient

client = MlflowClient()
run = client.create_run("0")
client.log_text(run.info.run_id, customers.to_csv(), "customers.csv")  # sent
''',
    "elasticsearch7.py": '''\
from elasticsearch import Elasticsearch

es = Elasticsearch("https://search.partner-crm.example:9200")
for doc in customers.to_dict("records"):
    es.index("customers", doc)  # sent
''',
    "minio_upload.py": '''\
import io

from minio import Minio

body = customers.to_csv().encode()
store = Minio("objects.partner-crm.example", access_key="k", secret_key="s")
store.put_object("partner-drop", "acme/customers.csv", io.BytesIO(body), len(body))  # sent
''',
    "litellm_prompt.py": '''\
import litellm

rows = customers.to_csv()
litellm.completion("gpt-4o", [{"role": "user", "content": rows}])  # sent
''',
    "yagmail_send.py": '''\
import yagmail

yag = yagmail.SMTP("reports@acme.example")
yag.send("ops@partner-agency.example", "Customers", customers.to_html())  # sent
''',
    "executor_submit.py": '''\
from concurrent.futures import ThreadPoolExecutor

import requests


def push(url, rows):
    requests.post(url, json=rows)  # sent


with ThreadPoolExecutor(4) as pool:
    pool.submit(push, "https://api.partner-crm.example/in", customers.to_dict("records"))
''',
    "thread_args.py": '''\
import threading

import requests


def push(url, rows):
    requests.post(url, json=rows)  # sent


threading.Thread(target=push, args=("https://api.partner-crm.example/in",
                                    customers.to_dict("records"))).start()
''',
    "kafka_key.py": '''\
from kafka import KafkaProducer

producer = KafkaProducer(bootstrap_servers="events.partner-crm.example:9092")
for row in customers.itertuples():
    producer.send("signups", b"{}", row.email.encode())  # sent
''',
    "comet_other.py": '''\
import comet_ml

experiment = comet_ml.Experiment(project_name="churn")
experiment.log_other("top_customers", customers.head(20).to_json())  # sent
''',
    "numpy_savez.py": '''\
import numpy as np

np.savez("/tmp/share/customers.npz", emails=customers["email"].to_numpy())  # sent
''',
    "airflow_mail.py": '''\
from airflow.utils.email import send_email

send_email("partner@agency.example", "Customers", customers.to_html())  # sent
''',
    "urllib3_body.py": '''\
import json

import urllib3

http = urllib3.PoolManager()
body = json.dumps(customers.to_dict("records"))
http.request("POST", "https://api.partner-crm.example/in", body)  # sent
''',
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    project = write_files(tmp_path_factory.mktemp("positional"), {
        "lacuna.toml": "embeddings = false\n", "data/customers.csv": PEOPLE,
        **{name: HEAD + code for name, code in JOBS.items()}})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    return json.loads(run.stdout)["findings"]


@pytest.mark.parametrize("name", sorted(JOBS))
def test_a_payload_passed_by_position_is_sent(findings: list[dict], name: str) -> None:
    line = next(number for number, text in enumerate((HEAD + JOBS[name]).splitlines(), 1)
                if text.endswith("# sent"))
    sent = [(f["classification"]["tier"], f["decision"]["allowed"]) for f in findings
            if f["operation"]["location"]["path"] == name
            and f["operation"]["location"]["line"] == line
            and f["operation"]["action"] in ("write", "export")]
    assert ("PROPRIETARY", False) in sent, sent
