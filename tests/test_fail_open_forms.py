"""Personal data leaving through forms the interpreter did not read as a write or a send.

A table written into a partner's database (`to_sql` through an engine, an INSERT through a
cursor, both made for a public host), a frame's writer reached through `getattr` or called on
its class, a dict of sinks called by a key from the command line, and a notebook's `!curl`
whose file IPython fills in from a variable: each was allowed (or not seen at all). The
project's own databases (localhost, a private address, an `.internal` host, a URL from the
environment) stay what they were: tables the company keeps.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import outputs_by_line, write_files

CUSTOMERS = "customer_id,first_name,email,phone\n"

PARTNER_DATABASE = '''import os

import pandas as pd
import psycopg2
from sqlalchemy import create_engine

agency = create_engine("postgresql://share@db.agency-partner.example:5432/inbound")
ours = create_engine(os.environ["DATABASE_URL"])
local = create_engine("postgresql://etl@localhost/crm")
df = pd.read_csv("data/customers.csv")
df.to_sql("customers", agency, if_exists="replace")
df.to_sql("customers", ours, if_exists="replace")
df.to_sql("customers", local, if_exists="replace")
conn = psycopg2.connect("host=pg.reseller.example dbname=inbound user=push")
cur = conn.cursor()
for row in df.itertuples():
    cur.execute("INSERT INTO inbound.members (email) VALUES (%s)", (row.email,))
own = psycopg2.connect(host="10.0.4.2", dbname="crm").cursor()
own.execute("INSERT INTO crm.members (email) VALUES (%s)", (df.email,))
dw = psycopg2.connect(host="dw.acme.internal").cursor()
dw.execute("INSERT INTO crm.archive (email) VALUES (%s)", (df.email,))
'''


def test_a_table_of_a_partners_database_is_outside(tmp_path: Path, lacuna) -> None:
    found = outputs_by_line(lacuna, tmp_path, {"job.py": PARTNER_DATABASE,
                                               "data/customers.csv": CUSTOMERS})
    outside = {line: f["operation"]["destination"]["name"] for line, f in found.items()
               if not f["decision"]["allowed"]}
    assert outside == {
        11: "postgresql://db.agency-partner.example/inbound/customers",
        17: "postgresql://pg.reseller.example/inbound/inbound.members"}
    assert {found[line]["operation"]["destination"]["name"] for line in (12, 13)} == \
        {"customers"}
    assert found[19]["operation"]["destination"]["name"] == "crm.members"
    assert found[21]["operation"]["destination"]["name"] == "crm.archive"
    assert all(found[line]["decision"]["allowed"] for line in (12, 13, 19, 21))


GOVERNED_SERVER = '''import pandas as pd
from sqlalchemy import create_engine

warehouse = create_engine("postgresql://etl@warehouse.acme.example/dw")
pd.read_csv("data/customers.csv").to_sql("customers", warehouse)
'''


def test_a_public_server_listed_as_governed_is_allowed(tmp_path: Path, lacuna) -> None:
    """The company's own server under a public name is governed by listing it in the
    operator's policy data, like a bucket."""
    operator = write_files(tmp_path / "operator", {
        "config.toml": 'policies = ["policies"]\n',
        "policies/data.json": json.dumps({"lacuna": {"config": {"governed_locations": [
            "reports/", "postgresql://warehouse.acme.example/"]}}})})
    root = write_files(tmp_path / "project", {
        "lacuna.toml": "embeddings = false\n", "job.py": GOVERNED_SERVER,
        "data/customers.csv": CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=root,
                 env={"LACUNA_TRUSTED_CONFIG": str(operator / "config.toml")})
    writes = [f for f in json.loads(run.stdout)["findings"]
              if f["operation"]["action"] in ("write", "export")]
    assert [f["operation"]["destination"]["name"] for f in writes] == \
        ["postgresql://warehouse.acme.example/dw/customers"]
    assert writes[0]["decision"]["allowed"], run.stdout


METHOD_FORMS = '''import pandas as pd

df = pd.read_csv("data/customers.csv")
getattr(df, "to_csv")("/tmp/customers.csv", index=False)
pd.DataFrame.to_json(df, "/tmp/customers.json", orient="records")
getattr(df, "to_parquet")("reports/customers.parquet")
'''


def test_a_writer_reached_by_getattr_or_its_class_writes(tmp_path: Path, lacuna) -> None:
    found = outputs_by_line(lacuna, tmp_path, {"job.py": METHOD_FORMS,
                                               "data/customers.csv": CUSTOMERS})
    assert {line: (f["operation"]["destination"]["name"], f["decision"]["allowed"])
            for line, f in found.items()} == {4: ("/tmp/customers.csv", False),
                                              5: ("/tmp/customers.json", False),
                                              6: ("reports/customers.parquet", True)}


NAMED_WRITERS = '''import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--fmt", default="csv", choices=["csv", "json", "parquet"])
args = parser.parse_args()
df = pd.read_csv("data/customers.csv")
save = df.to_csv
save("/tmp/customers.csv")
writer = getattr(df, "to_json")
writer("/tmp/customers.json")
getattr(df, f"to_{args.fmt}")("/tmp/customers.out")
report = getattr(df, f"to_{args.fmt}")
report("reports/customers.out")
total = getattr(df, "sum")()
emit = open("/tmp/customers.txt", "w").write
emit(df.to_json(orient="records"))
'''


def test_a_writer_named_as_a_value_writes_when_called(tmp_path: Path, lacuna) -> None:
    """`save = df.to_csv` and `getattr(df, f"to_{args.fmt}")` were read as columns of the
    frame, `emit = open(p, "w").write` as the file: the call after them wrote nothing that was
    seen."""
    found = outputs_by_line(lacuna, tmp_path, {"job.py": NAMED_WRITERS,
                                               "data/customers.csv": CUSTOMERS})
    assert {line: (f["operation"]["destination"]["name"], f["decision"]["allowed"])
            for line, f in found.items() if f["operation"]["action"] != "read"} == {
        10: ("/tmp/customers.csv", False), 12: ("/tmp/customers.json", False),
        13: ("/tmp/customers.out", False), 15: ("reports/customers.out", True),
        18: ("/tmp/customers.txt", False)}


DISPATCH = '''import sys

import pandas as pd
import requests


def push(frame):
    requests.post("https://api.partner.example/import", json=frame.to_dict("records"))


SINKS = {"s3": lambda d: d.to_csv("s3://partner-drop/contacts.csv"), "api": push}
contacts = pd.read_csv("data/customers.csv")
SINKS[sys.argv[1]](contacts)
SINKS.get(sys.argv[2])(contacts)
'''


def test_every_sink_a_run_time_key_may_pick_is_called(tmp_path: Path, lacuna) -> None:
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": DISPATCH,
                                  "data/customers.csv": CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    denied = {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"])
              for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert denied == {(8, "https://api.partner.example/import"),
                      (11, "s3://partner-drop/contacts.csv")}


def _notebook(*cells: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None,
                                  "outputs": [], "source": cell} for cell in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _notebook_findings(tmp_path: Path, lacuna, notebook: str) -> list[dict]:
    """The findings of a check of a project holding `notebook` and the customers' file."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                  "share.ipynb": notebook, "data/customers.csv": CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    return json.loads(run.stdout)["findings"]


def test_a_shell_upload_of_a_notebook_variable_sends_its_file(tmp_path: Path, lacuna) -> None:
    notebook = _notebook(
        "import pandas as pd\nout = 'contacts.csv'\nDROP = 'https://upload.agency.example/in'\n"
        "pd.read_csv('data/customers.csv').to_csv(out)",
        "!curl -s -F \"file=@{out}\" $DROP",
        "!aws s3 cp {out} s3://acme-governed/contacts/{out}")
    sent = {(f["operation"]["location"]["cell"], f["operation"]["destination"]["name"],
             f["decision"]["allowed"]) for f in _notebook_findings(tmp_path, lacuna, notebook)
            if f["operation"]["action"] == "export"}
    assert sent == {(2, "https://upload.agency.example/in", False),
                    (3, "s3://acme-governed/contacts/contacts.csv", True)}


def test_values_a_notebook_fills_into_a_shell_line_are_sent(tmp_path: Path, lacuna) -> None:
    """`!curl -d '{payload}' URL`: IPython fills the notebook's value into the command, so
    the rows go where curl posts; `!pip install {package}` sends nothing."""
    notebook = _notebook(
        "import pandas as pd\npackage = 'polars'\n"
        "payload = pd.read_csv('data/customers.csv').to_json(orient='records')",
        "!curl -X POST -d '{payload}' https://ingest.agency.example/rows",
        "!curl -X POST -d \"$payload\" https://ingest.agency.example/dollar",
        "!pip install {package}")
    denied = {(f["operation"]["location"]["cell"], f["operation"]["destination"]["name"])
              for f in _notebook_findings(tmp_path, lacuna, notebook)
              if not f["decision"]["allowed"]}
    assert denied == {(2, "https://ingest.agency.example/rows"),
                      (3, "https://ingest.agency.example/dollar")}


CLIENT = '''import requests

URL = "https://api.helpdesk-vendor.example/import"


def send(**kw):
    return requests.post(URL, timeout=30, **kw)
'''

SYNC = '''import pandas as pd

from client import send


def sync(users):
    send(json={"users": users.to_dict("records"), "upsert": True})


sync(pd.read_csv("data/customers.csv"))
send(json={"ping": True})
'''


def test_keywords_a_helper_forwards_are_what_its_callers_send(tmp_path: Path, lacuna) -> None:
    """`def send(**kw): requests.post(URL, **kw)` called as `send(json=rows)` from a function
    of another file sends those rows: reported at the post, called from that line, with the
    caller's data. Alone, the helper still sends data of unknown origin."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "client.py": CLIENT,
                                  "job.py": SYNC, "data/customers.csv": CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    posts = {(f["operation"]["called_from"] or {}).get("line"): (
        [s["name"] for s in f["operation"]["sources"]], f["decision"]["allowed"])
        for f in json.loads(run.stdout)["findings"]
        if f["operation"]["location"] == {"path": "client.py", "line": 7, "column": 12,
                                          "cell": None}}
    assert posts == {None: (["**kw"], False), 7: (["data/customers.csv"], False)}


STAGING = '''import shutil
from pathlib import Path


def stage(src, folder):
    return shutil.copy(src, Path(folder) / Path(src).name)
'''


def test_a_file_a_helper_of_another_file_copies_is_what_is_copied(tmp_path: Path,
                                                                  lacuna) -> None:
    """`stage("data/customers.csv", "/tmp/outbox")` reaching `shutil.copy(src, Path(folder) /
    Path(src).name)` in another file copies the customers: their data goes to a place
    computed at run time there (it was a copy of nothing, allowed)."""
    root = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n", "staging.py": STAGING,
        "job.py": 'from staging import stage\n\nstage("data/customers.csv", "/tmp/outbox")\n',
        "data/customers.csv": CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    (copy,) = [f for f in json.loads(run.stdout)["findings"]
               if f["operation"]["action"] in ("write", "export")]
    assert copy["operation"]["location"]["path"] == "staging.py"
    assert copy["operation"]["called_from"]["path"] == "job.py"
    assert [s["name"] for s in copy["operation"]["sources"]] == ["data/customers.csv"]
    assert copy["decision"]["allowed"] is False


POSITIONAL_PAYLOADS = '''import asyncio
import json

import pandas as pd
import requests

API = "https://api.vendor-analytics.com"
df = pd.read_csv("data/customers.csv")
body = json.dumps(df.to_dict(orient="records"))
requests.post(f"{API}/ingest", body)
requests.put(f"{API}/ingest/1", body, timeout=10)
requests.Session().post(f"{API}/v2", None, df.to_dict(orient="records"))
for email in df["email"]:
    requests.get(f"{API}/lookup", {"email": email})


async def push():
    await asyncio.get_running_loop().run_in_executor(None, requests.post, API, None, body)
'''


def test_a_payload_passed_by_position_is_sent(tmp_path: Path, lacuna) -> None:
    """`requests.post(url, data, json)` and `requests.get(url, params)` take their payload
    by position too: each was sent as nothing, PUBLIC."""
    found = outputs_by_line(lacuna, tmp_path, {"job.py": POSITIONAL_PAYLOADS,
                                               "data/customers.csv": CUSTOMERS})
    assert {line: (f["classification"]["tier"], f["decision"]["allowed"])
            for line, f in found.items()} == dict.fromkeys((10, 11, 12, 14, 18),
                                                            ("PROPRIETARY", False))


BROKERS = '''import json

import pandas as pd
from confluent_kafka import Producer
from kafka import KafkaProducer

rows = pd.read_csv("data/customers.csv").to_dict(orient="records")
partner = KafkaProducer(bootstrap_servers="events.partner-crm.example:9092")
listed = KafkaProducer(bootstrap_servers=["10.0.0.7:9092", "kafka-2.partner-crm.example:9092"])
joined = KafkaProducer(bootstrap_servers="kafka-1.partner-crm.example,kafka-2.partner-crm.example")
ours = KafkaProducer(bootstrap_servers="10.0.0.7:9092,broker:9092")
for rec in rows:
    partner.send("acme.customers", json.dumps(rec).encode())
    listed.send("acme.customers", value=json.dumps(rec).encode())
    joined.send("acme.customers", json.dumps(rec).encode())
    ours.send("crm.customers.v1", json.dumps(rec).encode())
vendor = Producer({"bootstrap.servers": "kafka.partner-crm.example:9093", "acks": "all"})
own = Producer({"bootstrap.servers": "kafka-0.streams.svc:9092"})
vendor.produce("acme.customers", value=json.dumps(rows))
own.produce("crm.customers.v1", value=json.dumps(rows))
'''


def test_a_topic_on_a_partners_brokers_is_outside(tmp_path: Path, lacuna) -> None:
    """A producer made for brokers outside the organisation sends its topics there; the
    organisation's own brokers (a private address, a single-label name) keep its bus."""
    found = outputs_by_line(lacuna, tmp_path, {"job.py": BROKERS,
                                               "data/customers.csv": CUSTOMERS})
    assert {line: (f["operation"]["destination"]["name"], f["decision"]["allowed"])
            for line, f in found.items()} == {
        13: ("kafka://events.partner-crm.example/acme.customers", False),
        14: ("kafka://kafka-2.partner-crm.example/acme.customers", False),
        15: ("kafka://kafka-1.partner-crm.example/acme.customers", False),
        16: ("kafka:crm.customers.v1", True),
        19: ("kafka://kafka.partner-crm.example/acme.customers", False),  # confluent's config
        20: ("kafka:crm.customers.v1", True)}


HELPER_FORMS = {"jobs/sync.py": '''import csv

import dask.dataframe as dd
import pandas as pd
import plotly.express as px
import requests
import vendor_frames
from celery import Celery

API = "https://api.partner-crm.example"
app = Celery("sync")


def post(payload):
    requests.post(f"{API}/contacts", json=payload)


def extract(path):
    return pd.read_csv(path)


def main(path="data/customers.csv"):
    people = extract(path)
    requests.post(f"{API}/bulk", json=people.to_dict("records"))


@app.task(bind=True, max_retries=3)
def push(self, rows):
    requests.post(f"{API}/rows", json=rows)


df = pd.read_csv("data/customers.csv")
post({"emails": df.email.tolist(), "source": "acme"})
post([{"email": e} for e in df.email])
main()
push.delay(list(csv.DictReader(open("data/customers.csv"))))
lake = dd.read_csv("data/customers.csv")
lake[lake.email.notnull()].to_parquet("s3://partner-lake/acme/")
px.scatter(df, x="first_name", y="customer_id", hover_data=["email"]).write_html("/mnt/s/c.html")
table = vendor_frames.load("crm_contacts")
table[["email", "phone"]].to_csv("s3://partner-lake/acme/contacts.csv")
'''}


def test_data_handed_on_in_containers_parameters_and_tasks_is_sent(tmp_path: Path, lacuna) -> None:
    """Each of these sent the customers as PUBLIC (or nothing): a dict or list literal given
    to a helper, a path passed down two functions, a Celery task bound to itself, a Dask
    frame or one of a library the catalog does not know once filtered, a chart of the
    customers."""
    found = outputs_by_line(lacuna, tmp_path, {**HELPER_FORMS, "data/customers.csv": CUSTOMERS})
    assert {line: (f["classification"]["tier"], f["decision"]["allowed"])
            for line, f in found.items()} == {
        15: ("PROPRIETARY", False),  # post(): the dict and the list comprehension
        24: ("PROPRIETARY", False),  # main(path) -> extract(path) -> read_csv(path)
        29: ("PROPRIETARY", False),  # push.delay(rows) with bind=True
        38: ("PROPRIETARY", False),  # dask frame filtered, then written
        39: ("PROPRIETARY", False),  # a plotly figure of the customers
        41: ("UNKNOWN", False)}  # what an unknown library made, columns picked


EXECED_SCRIPT = '''import logging

import requests
from sqlalchemy import text

log = logging.getLogger(__name__)


def push(url):
    requests.post(url, json=rows)


requests.post("https://api.partner.example/v1/ingest", json=customers.to_dict("records"))
customers.to_csv("/mnt/share/out.csv")
push("https://hooks.partner.example/in")
conn.execute(text("INSERT INTO mart.contacts SELECT * FROM crm.customers"))
requests.post("https://api.partner.example/v1/ping", json={"ok": True, "n": len(names)})


def later():
    return threshold


threshold = 3
requests.post("https://api.partner.example/v1/ping", json={"t": later(), "path": __file__})
'''


def test_names_a_script_never_assigns_are_data_of_unknown_origin(tmp_path: Path,
                                                                 lacuna) -> None:
    """A script run by `exec` or `%run -i` reads names it never binds: `customers` sent or
    saved is data no one can classify (it was PUBLIC, allowed). A name bound later in the
    file (`threshold`), `__file__`, builtins (`len` of the unknown name is a count) and a
    connection the catalog knows how to call keep what they were."""
    found = outputs_by_line(lacuna, tmp_path, {"job.py": EXECED_SCRIPT})
    for line in (10, 13, 14):
        assert found[line]["decision"]["allowed"] is False, line
        assert found[line]["classification"]["tier"] == "UNKNOWN", line
        assert "which no statement of this file assigns" in json.dumps(
            found[line]["operation"]), line
    assert found[16]["operation"]["destination"]["name"] == "mart.contacts"
    # a count of whatever it holds, and constants, are sent as before
    assert found[17]["decision"]["allowed"] is True
    assert found[25]["decision"]["allowed"] is True


def test_cardholder_data_is_kept_in_like_personal_data(tmp_path: Path, lacuna) -> None:
    """Card numbers, security codes and expiry dates (PCI DSS cardholder data) copied to a
    shared folder were allowed: PROPRIETARY but not personal. The last four digits alone may
    be shown (PCI DSS) and go."""
    found = outputs_by_line(lacuna, tmp_path, {
        "data/cards.csv": "card_number,cvv,expiry,card_last4,amount\n", "recon.py": '''\
import pandas as pd

cards = pd.read_csv("data/cards.csv")
cards.to_csv("/mnt/share/finance/cards.csv")
cards[["card_last4", "amount"]].to_csv("/mnt/share/finance/last4.csv")
'''})
    assert found[4]["decision"]["allowed"] is False
    assert found[4]["decision"]["policy_id"] == "LAC-PII-001"
    assert found[5]["decision"]["allowed"] is True
