"""Writers that take a URL or a server as a local file's place: Arrow tables written to a
bucket, smart_open's remote files, an SFTP session's remote file, the standard library's HTTP
client and XML-RPC proxy, a request built to be sent later, and a function run on a thread by
asyncio. Each sends the customers where it says, blocked — none of them was seen before."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import operation_rows, run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
JOBS = {
    "arrow.py": '''\
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

pq.write_table(pa.Table.from_pandas(pd.read_csv("data/customers.csv")),
               "s3://partner-bucket/customers.parquet")
pq.write_table(pacsv.read_csv("data/customers.csv"), "gs://partner-bucket/c.parquet")
''',
    "smart.py": '''\
import pandas as pd
import smart_open

with smart_open.open("s3://partner-bucket/customers.csv", "w") as out:
    out.write(pd.read_csv("data/customers.csv").to_csv())
''',
    "prepared.py": '''\
import pandas as pd
import requests

rows = pd.read_csv("data/customers.csv").to_dict("records")
request = requests.Request("POST", "https://api.partner.example.com/bulk", json=rows).prepare()
requests.Session().send(request)
''',
    "stdlib_clients.py": '''\
import asyncio
import http.client
import xmlrpc.client

import pandas as pd
import requests

rows = pd.read_csv("data/customers.csv").to_dict("records")
http.client.HTTPSConnection("ingest.partner.example.com").request("POST", "/v1", body=str(rows))
xmlrpc.client.ServerProxy("https://crm.partner.example.com/RPC2").import_contacts(rows)


async def push() -> None:
    await asyncio.to_thread(requests.post, "https://api.partner.example.com/in", json=rows)
''',
}


def test_remote_writers_send_the_customers_where_they_say(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, **JOBS})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    blocked = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"]):
               (f["operation"]["destination"]["name"], f["classification"]["tier"])
               for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert blocked == {
        ("arrow.py", 6): ("s3://partner-bucket/customers.parquet", "PROPRIETARY"),
        ("arrow.py", 8): ("gs://partner-bucket/c.parquet", "PROPRIETARY"),
        ("smart.py", 5): ("s3://partner-bucket/customers.csv", "PROPRIETARY"),
        ("prepared.py", 5): ("https://api.partner.example.com/bulk", "PROPRIETARY"),
        ("stdlib_clients.py", 9): ("https://ingest.partner.example.com/v1", "PROPRIETARY"),
        ("stdlib_clients.py", 10): ("https://crm.partner.example.com/RPC2", "PROPRIETARY"),
        ("stdlib_clients.py", 14): ("https://api.partner.example.com/in", "PROPRIETARY"),
    }


PARTIALS = '''\
import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import requests

rows = pd.read_csv("data/customers.csv").to_dict("records")
post = functools.partial(requests.post, "https://d.partner.example.com/in")


async def main():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(
        None, functools.partial(requests.post, "https://b.partner.example.com/in", json=rows))
    await loop.run_in_executor(None, requests.post, "https://s.partner.example.com/in")

with ThreadPoolExecutor() as pool:
    pool.submit(functools.partial(requests.post, "https://c.partner.example.com/in"), json=rows)
'''


def test_a_partial_handed_to_an_executor_runs_with_what_it_binds(tmp_path: Path) -> None:
    """`run_in_executor(None, partial(requests.post, URL, json=rows))`: the post is made with
    the bound URL and rows (the executor argument before the function is not one of them)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "pool.py": PARTIALS})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    blocked = {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"])
               for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert blocked == {(15, "https://b.partner.example.com/in"),
                       (19, "https://c.partner.example.com/in")}


BASE_URL_CLIENTS = '''\
import aiohttp
import httpx
import pandas as pd

df = pd.read_csv("data/customers.csv")
rows = df.to_dict(orient="records")
with httpx.Client(base_url="https://api.partner-crm.example/v2/", timeout=30) as client:
    client.post("/contacts", json=rows)
    client.put("contacts/bulk", json=rows)
with httpx.Client(timeout=30) as plain:
    plain.post("https://hooks.partner-crm.example/in", json=rows)


async def enrich():
    async with aiohttp.ClientSession("https://enrich.vendor.example") as session:
        for email in df["email"]:
            async with session.get("/person", params={"email": email}) as resp:
                await resp.json()
'''


def test_a_path_sent_through_a_client_with_a_base_url_goes_to_that_url(tmp_path: Path) -> None:
    """`httpx.Client(base_url=API).post("/contacts")` sends to API's `/contacts`: it was named
    as the local path `/contacts`, and a read of `/person` as a file."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": BASE_URL_CLIENTS})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    found = {(f["operation"]["location"]["line"], f["operation"]["action"]):
             ((f["operation"]["destination"] or {}).get("name")
              or f["operation"]["sources"][0]["name"], f["decision"]["allowed"])
             for f in json.loads(run.stdout)["findings"] if f["operation"]["location"]["line"] > 5}
    assert found == {
        (8, "export"): ("https://api.partner-crm.example/v2/contacts", False),
        (9, "export"): ("https://api.partner-crm.example/v2/contacts/bulk", False),
        (11, "export"): ("https://hooks.partner-crm.example/in", False),
        (17, "export"): ("https://enrich.vendor.example/person", False),
        (17, "read"): ("https://enrich.vendor.example/person", True)}


REMOTE_FILESYSTEMS = '''\
import fsspec
import gcsfs
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import s3fs
from pyarrow import fs

df = pd.read_csv("data/customers.csv")
with s3fs.S3FileSystem(anon=False).open("partner-drop/acme/customers.csv", "w") as out:
    df.to_csv(out, index=False)
gcs = gcsfs.GCSFileSystem(project="acme")
with gcs.open("partner-drop/acme/customers.csv", "w") as out:
    df.to_csv(out)
df.to_csv("reports/customers.csv")
fsspec.filesystem("s3").put("reports/customers.csv", "partner-drop/acme/put.csv")
pq.write_table(pa.Table.from_pandas(df), "partner-drop/acme/c.parquet",
               filesystem=fs.S3FileSystem(region="eu-west-1"))
pq.write_table(pa.Table.from_pandas(df), "reports/c.parquet")
'''


def test_a_path_written_through_a_remote_filesystem_is_that_stores(tmp_path: Path) -> None:
    """s3fs, gcsfs, `fsspec.filesystem("s3")` and Arrow's `fs.S3FileSystem` take a bucket and
    key without a scheme: each write was a project file, allowed."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": REMOTE_FILESYSTEMS})
    written = {line: (dest, allowed) for _, line, action, _, dest, allowed
               in operation_rows(project) if action in ("write", "export")}
    assert written == {11: ("s3://partner-drop/acme/customers.csv", False),
                       14: ("gs://partner-drop/acme/customers.csv", False),
                       15: ("reports/customers.csv", True),
                       16: ("s3://partner-drop/acme/put.csv", False),
                       17: ("s3://partner-drop/acme/c.parquet", False),
                       19: ("reports/c.parquet", True)}


def test_a_pubsub_message_is_a_write_to_its_topic(tmp_path: Path) -> None:
    """Pub/Sub is a message bus like Kafka: the rows published (and the attributes given with
    them) are written to the topic, which was not seen at all."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": '''\
import json

import pandas as pd
from google.cloud import pubsub_v1

publisher = pubsub_v1.PublisherClient()
topic = publisher.topic_path("acme-events", "customer-updates")
for rec in pd.read_csv("data/customers.csv").to_dict("records"):
    publisher.publish(topic, json.dumps(rec).encode())
    publisher.publish(topic, b"", email=rec["email"])
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 0, run.stderr
    published = {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
                  f["classification"]["tier"])
                 for f in json.loads(run.stdout)["findings"]
                 if f["operation"]["action"] in ("write", "export")}
    assert published == {(9, "pubsub:projects/acme-events/topics/customer-updates", "PROPRIETARY"),
                         (10, "pubsub:projects/acme-events/topics/customer-updates", "PROPRIETARY")}


STDLIB_REQUESTS = '''\
import csv
import json
import urllib.request

with open("data/customers.csv") as handle:
    rows = list(csv.DictReader(handle))
built = urllib.request.Request("https://collect.partner.example.com/v1",
                               data=json.dumps(rows).encode(), method="POST")
with urllib.request.urlopen(built, timeout=30) as response:
    print(response.status)
bare = urllib.request.Request("https://intake.vendor.example.org/rows", method="POST")
urllib.request.urlopen(bare, data=json.dumps(rows).encode())
'''


def test_a_standard_library_request_stands_for_its_url(tmp_path: Path) -> None:
    """`urlopen(Request(url, data=...))` sends the body to the request's URL, given with the
    request or with `urlopen`; the request was a destination `computed at run time`, and the
    body given to `urlopen` went there."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": STDLIB_REQUESTS})
    sent = {(line, dest, allowed) for _, line, action, _, dest, allowed
            in operation_rows(project) if action == "export"}
    assert sent == {(7, "https://collect.partner.example.com/v1", False),
                    (9, "https://collect.partner.example.com/v1", True),
                    (11, "https://intake.vendor.example.org/rows", True),
                    (12, "https://intake.vendor.example.org/rows", False)}


def test_streamed_requests_delta_rs_and_redshift_frames_go_where_they_say(
        tmp_path: Path) -> None:
    """`httpx.stream("POST", url, content=...)`, delta-rs `write_deltalake(uri, df)` and
    redshift_connector's `cursor.write_dataframe(df, table)` on a partner's cluster sent the
    rows with no operation at all."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": '''\
import httpx
import pandas as pd
import redshift_connector
from deltalake import write_deltalake

df = pd.read_csv("data/customers.csv")
with httpx.stream("POST", "https://api.vendor.example/v1/upload", content=df.to_csv()) as r:
    r.read()
write_deltalake("s3://partner-drop/acme/customers", df)
conn = redshift_connector.connect(host="dw.partner.example.com", database="dev", user="u")
conn.cursor().write_dataframe(df, "public.acme_customers")
'''})
    sent = {(line, dest, allowed) for _, line, action, _, dest, allowed
            in operation_rows(project) if action in ("write", "export")}
    assert sent == {(7, "https://api.vendor.example/v1/upload", False),
                    (9, "s3://partner-drop/acme/customers", False),
                    (11, "redshift://dw.partner.example.com/public.acme_customers", False)}


def test_airflow_http_calls_and_ipython_shell_commands_send_where_they_say(
        tmp_path: Path) -> None:
    """An HTTP hook or operator posts to the server of an Airflow connection, which the code
    does not show to be the organisation's own (it was a service typed as a project file, and
    allowed); `get_ipython().system("scp ...")` is a shell command like `os.system`."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "dag.py": '''\
import json
from datetime import datetime

import pandas as pd
from airflow import DAG
from airflow.providers.http.hooks.http import HttpHook
from airflow.providers.http.operators.http import SimpleHttpOperator
from IPython import get_ipython

rows = pd.read_csv("data/customers.csv")
HttpHook(method="POST", http_conn_id="vendor_api").run("/v1/bulk", json.dumps(rows.to_dict()))
with DAG("push", start_date=datetime(2024, 1, 1)) as dag:
    SimpleHttpOperator(task_id="push", http_conn_id="vendor_api", endpoint="/v1/rows",
                       method="POST", data=rows.to_json(orient="records"))
get_ipython().system("scp data/customers.csv partner@sftp.partner.example.com:/in/")
'''})
    sent = {(line, dest, allowed) for _, line, action, _, dest, allowed
            in operation_rows(project) if action in ("write", "export")}
    assert sent == {(11, "airflow-http:/v1/bulk", False),
                    (13, "airflow-http:vendor_api/v1/rows", False),
                    (15, "sftp://sftp.partner.example.com/in/", False)}
