"""The idioms real pipelines are written in, through the CLI: paths built from `__file__` and
constants, names from other project modules, unpacking, row loops, Spark sessions built
anywhere. Each project is small and written the way data teams write them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import operation_rows, write_files

PEOPLE = "customer_id,first_name,email,phone\n"




def _exports(flows: list) -> dict[str, tuple[tuple[str, ...], bool]]:
    return {dest: (sources, allowed) for _, _, action, sources, dest, allowed in flows
            if action == "export"}


def test_paths_built_from_file_and_constants_resolve(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"etl/data/customers.csv": PEOPLE, "etl/load.py": '''\
import os
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
DATA_DIR = HERE / "data"
BASE_DIR = os.path.dirname(os.path.abspath(__file__))

customers = pd.read_csv(DATA_DIR / "customers.csv")
again = pd.read_csv(os.path.join(BASE_DIR, "data", "customers.csv"))
joined = pd.read_csv(HERE.joinpath("data", "customers.csv"))
customers.to_csv(os.path.join(tempfile.gettempdir(), "customers.csv"))
again.to_parquet(Path.home() / "Downloads" / "again.parquet")
name = "customers"
joined.to_json(os.path.expanduser(f"~/exports/{name}.json"))
'''})
    flows = operation_rows(project)
    reads = {sources for _, _, action, sources, _, _ in flows if action == "read"}
    assert reads == {("etl/data/customers.csv",)}
    exports = _exports(flows)
    assert exports == {
        "/tmp/customers.csv": (("etl/data/customers.csv",), False),
        "~/Downloads/again.parquet": (("etl/data/customers.csv",), False),
        "~/exports/customers.json": (("etl/data/customers.csv",), False),
    }


def test_a_relative_path_beside_the_script_or_notebook_is_found(tmp_path: Path) -> None:
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": 1, "source": [
                               "import pandas as pd\n", "df = pd.read_csv('inputs/people.csv')\n",
                               "df.to_csv('/tmp/people.csv')\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    project = write_files(tmp_path, {"analysis/inputs/people.csv": PEOPLE,
                                "analysis/explore.ipynb": json.dumps(notebook)})
    exports = _exports(operation_rows(project))
    assert exports == {"/tmp/people.csv": (("analysis/inputs/people.csv",), False)}


def test_names_from_other_project_modules(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "pipeline/config.py": '''\
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
EXPORT_DIR = "/srv/share/exports"
''',
        "pipeline/sql_queries.py": '''\
customer_table_copy = """
COPY (SELECT email, phone FROM crm.customers) TO '/tmp/contacts.csv'
"""
select_customers = "SELECT customer_id, email FROM crm.customers"
''',
        "pipeline/run.py": '''\
import sqlite3
import pandas as pd
import config
from config import DATA_DIR
from sql_queries import *

frame = pd.read_csv(DATA_DIR / "customers.csv")
frame.to_csv(config.EXPORT_DIR + "/customers.csv")
con = sqlite3.connect("warehouse.db")
rows = pd.read_sql(select_customers, con)
rows.to_json("/tmp/customers.json")
con.execute(customer_table_copy)
''',
    })
    flows = operation_rows(project)
    exports = _exports(flows)
    assert exports["/srv/share/exports/customers.csv"] == (("data/customers.csv",), False)
    assert exports["/tmp/customers.json"] == (("crm.customers",), False)
    assert ("pipeline/run.py", 12) in {(f, line) for f, line, *_ in flows}


def test_a_changed_config_module_reanalyses_its_importers(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "settings.py": 'OUT = "reports/customers.csv"\n',
        "job.py": "import pandas as pd\nfrom settings import OUT\n"
                  "pd.read_csv('data/customers.csv').to_csv(OUT)\n",
    })
    first = {dest for *_, dest, _ in operation_rows(project, "job.py")}
    assert "reports/customers.csv" in first
    (project / "settings.py").write_text('OUT = "/tmp/customers.csv"\n')
    second = _exports(operation_rows(project, "job.py"))
    assert second == {"/tmp/customers.csv": (("data/customers.csv",), False)}


def test_unpacking_splits_and_row_loops(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "train.py": '''\
import logging
import pandas as pd
from sklearn.model_selection import train_test_split

log = logging.getLogger(__name__)
df = pd.read_csv("data/customers.csv")
n = int(len(df) * 0.8)
train, test = df[:n], df[n:]
test.to_csv("/tmp/holdout.csv")
x_train, x_test = train_test_split(df, test_size=0.2)
x_test.to_parquet("/tmp/x_test.parquet")
for _, row in df.iterrows():
    log.warning("customer %s has no phone", row["email"])
for record in df.to_dict("records"):
    print(record)
print(f"{len(df)} rows")
'''})
    flows = operation_rows(project)
    exports = {(line, dest): allowed for _, line, action, _, dest, allowed in flows
               if action == "export"}
    # line 16 prints a count: a number about the data, no export of it
    assert exports == {(9, "/tmp/holdout.csv"): False, (11, "/tmp/x_test.parquet"): False,
                       (13, "log"): False, (15, "stdout"): False}


def test_spark_sessions_built_anywhere(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"jobs/export.py": '''\
from pyspark.sql import SparkSession


def get_spark(app):
    return SparkSession.builder.appName(app).enableHiveSupport().getOrCreate()


def extract(spark):
    return spark.read.format("parquet").option("mergeSchema", "true").load("s3a://lake/crm/customers/")


def main():
    spark = get_spark("export")
    customers = extract(spark)
    spark.sql("SELECT email, phone FROM crm.customers").write.mode("overwrite").csv("/tmp/contacts")
    customers.write.format("delta").mode("append").saveAsTable("analytics.customers_copy")


if __name__ == "__main__":
    main()
'''})
    flows = operation_rows(project)
    writes = {(dest, sources) for _, _, action, sources, dest, _ in flows
              if action in ("write", "export")}
    assert ("/tmp/contacts", ("crm.customers",)) in writes
    assert ("analytics.customers_copy", ("s3a://lake/crm/customers/",)) in writes


def test_an_external_spark_table_is_written_where_its_path_says(tmp_path: Path) -> None:
    """`saveAsTable` with a `path` (an option or a keyword) makes an external table: its
    files are written there, a partner's bucket here, not into the metastore's warehouse."""
    project = write_files(tmp_path, {"jobs/share.py": '''\
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
contacts = spark.table("crm.customers").select("customer_id", "email", "phone")
(contacts.write.format("parquet").mode("overwrite")
    .option("path", "s3a://vendor-share-bucket/acme/contacts/")
    .saveAsTable("shared.vendor_contacts"))
contacts.write.saveAsTable("shared.vendor_emails", format="delta", path="s3a://vendor-share-bucket/acme/emails/")
contacts.write.format("delta").saveAsTable("analytics.contacts")
'''})
    writes = {(line, dest, allowed) for _, line, action, _, dest, allowed in operation_rows(project)
              if action in ("write", "export")}
    assert writes == {(7, "s3a://vendor-share-bucket/acme/contacts/", False),
                      (8, "s3a://vendor-share-bucket/acme/emails/", False),
                      (9, "analytics.contacts", True)}


# A Luigi task writing the cleaned customers to a local target (after a file's imports).
CLEAN_CUSTOMERS_TASK = '''

class CleanCustomers(luigi.Task):
    def output(self):
        return luigi.LocalTarget("warehouse/customers_clean.csv")

    def run(self):
        with self.output().open("w") as out:
            pd.read_csv("data/customers.csv").dropna().to_csv(out, index=False)
'''


def test_luigi_tasks_write_to_their_targets(tmp_path: Path) -> None:
    """A Luigi task's `run()` is called by the framework, never by the file: `self.output()`
    in it is the task's own method, so `.open("w")` writes to the target it returns (it was
    a write to `self`: a false alarm on a local target, an allowed write for a partner's)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "pipeline/tasks.py": '''\
import luigi
import pandas as pd
from luigi.contrib.s3 import S3Target
''' + CLEAN_CUSTOMERS_TASK + '''

class ShipToPartner(luigi.Task):
    def requires(self):
        return CleanCustomers()

    def output(self):
        return S3Target("s3://partner-dropzone/acme/customers.csv")

    def run(self):
        with self.output().open("w") as out:
            pd.read_csv("warehouse/customers_clean.csv").to_csv(out, index=False)
'''})
    writes = {(line, dest, allowed) for _, line, action, _, dest, allowed in operation_rows(project)
              if action in ("write", "export")}
    assert writes == {(12, "warehouse/customers_clean.csv", True),
                      (24, "s3://partner-dropzone/acme/customers.csv", False)}


def test_a_luigi_tasks_input_is_what_its_requirement_outputs(tmp_path: Path) -> None:
    """`self.input()` in a task is `self.requires().output()` (what Luigi's base class gives
    it): its rows come from the file the required task writes (they were UNKNOWN data read
    from `self`), whether opened or read by its `.path`."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "pipeline/clean.py": '''\
import luigi
import pandas as pd
import requests
''' + CLEAN_CUSTOMERS_TASK + '''

class PostToPartner(luigi.Task):
    def requires(self):
        return CleanCustomers()

    def run(self):
        with self.input().open("r") as handle:
            rows = pd.read_csv(handle).to_dict("records")
        requests.post("https://api.partner.example.com/in", json=rows)


class Archive(luigi.Task):
    def requires(self):
        return CleanCustomers()

    def run(self):
        pd.read_csv(self.input().path).to_parquet("/tmp/customers.parquet")
'''})
    flows = {(line, action, sources, dest) for _, line, action, sources, dest, _
             in operation_rows(project) if action != "write"}
    clean = ("warehouse/customers_clean.csv",)
    assert flows == {(12, "read", ("data/customers.csv",), ""),
                     (20, "read", clean, ""),
                     (22, "export", clean, "https://api.partner.example.com/in"),
                     (30, "read", clean, ""),
                     (30, "export", clean, "/tmp/customers.parquet")}


def test_pipelines_written_as_classes(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "jobs/export.py": '''\
import pandas as pd


class CustomerExport:
    TARGET_DIR = "/srv/share"

    def __init__(self, source, name="customers"):
        self.source = source
        self.name = name

    def extract(self):
        return pd.read_csv(self.source)

    def load(self, frame):
        frame.to_csv(f"{self.TARGET_DIR}/{self.name}.csv")

    def run(self):
        self.load(self.extract())


if __name__ == "__main__":
    CustomerExport("data/customers.csv").run()
'''})
    exports = _exports(operation_rows(project))
    assert exports == {"/srv/share/customers.csv": (("data/customers.csv",), False)}


def test_airflow_callables_options_and_config_dicts(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/leads.csv": PEOPLE, "dags/push.py": '''\
import argparse
from datetime import datetime

import pandas as pd
import requests
from airflow import DAG
from airflow.operators.python import PythonOperator

CONFIG = {"source": "data/leads.csv", "endpoint": "https://api.crm-vendor.example/import"}


def push(path, url):
    leads = pd.read_csv(path)
    requests.post(url, json=leads.to_dict("records"), timeout=30)


with DAG("push_leads", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
    PythonOperator(task_id="push", python_callable=push,
                   op_kwargs={"path": CONFIG["source"], "url": CONFIG.get("endpoint")})


def cli():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", default="data/leads.csv")
    parser.add_argument("--out-dir", dest="out", default="/tmp/leads")
    args = parser.parse_args()
    pd.read_csv(args.input).to_csv(f"{args.out}/leads.csv")
'''})
    exports = _exports(operation_rows(project))
    assert exports == {
        "https://api.crm-vendor.example/import": (("data/leads.csv",), False),
        "/tmp/leads/leads.csv": (("data/leads.csv",), False),
    }


def test_a_value_pulled_from_another_airflow_task_is_not_harmless(tmp_path: Path) -> None:
    """`ti.xcom_pull(...)` hands over what another task pushed (here the customers): a read
    of that XCom, whose content this task cannot see, so sending it on is never allowed."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "dags/push.py": '''\
from datetime import datetime

import pandas as pd
import requests
from airflow import DAG
from airflow.operators.python import PythonOperator


def extract(ti):
    ti.xcom_push(key="customers", value=pd.read_csv("data/customers.csv").to_json())


def load(ti):
    payload = ti.xcom_pull(task_ids="extract", key="customers")
    requests.post("https://api.partner.example.com/contacts", data=payload)


with DAG("partner_push", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
    PythonOperator(task_id="extract", python_callable=extract) >> PythonOperator(
        task_id="load", python_callable=load)
'''})
    exports = _exports(operation_rows(project))
    assert exports == {"https://api.partner.example.com/contacts": (("xcom:extract",), False)}


def test_personal_data_in_a_query_string_or_an_address_is_sent(tmp_path: Path) -> None:
    """An enrichment API looked up by e-mail learns the e-mails: from `params`, from an
    f-string URL, from a path segment. Each was a harmless read (or nothing); a GET of a
    constant URL stays a read."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "enrich.py": '''\
import pandas as pd
import requests

BASE = "https://api.enrich.example.com/v1"
rates = requests.get(f"{BASE}/rates", params={"base": "GBP"}, timeout=10).json()
for email in pd.read_csv("data/customers.csv")["email"]:
    requests.get(f"{BASE}/person", params={"email": email}, timeout=10)
    requests.get(f"{BASE}/person?email={email}", timeout=10)
    requests.post(f"{BASE}/person/{email}/subscribe", timeout=10)
'''})
    rows = operation_rows(project)
    outputs = {line: allowed for _, line, action, _, _, allowed in rows
               if action in ("write", "export")}
    assert outputs == {7: False, 8: False, 9: False}
    assert (5, "read") in {(line, action) for _, line, action, _, _, _ in rows}


def test_a_client_that_opens_its_session_in_enter_sends_through_it(tmp_path: Path) -> None:
    """`with PartnerClient() as pc:` runs `__enter__`, which makes the session `upload`
    posts through: the send was not seen at all."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "push.py": '''\
import pandas as pd
import requests


class PartnerClient:
    def __enter__(self):
        self.session = requests.Session()
        return self

    def __exit__(self, *exc):
        self.session.close()

    def upload(self, records):
        return self.session.post("https://api.partner.example.com/contacts", json=records)


with PartnerClient() as client:
    client.upload(pd.read_csv("data/customers.csv").to_dict("records"))
'''})
    exports = _exports(operation_rows(project))
    assert exports == {"https://api.partner.example.com/contacts": (("data/customers.csv",),
                                                                    False)}


def test_a_library_method_picked_by_a_name_known_later_is_each_of_them(tmp_path: Path) -> None:
    """`getattr(requests, method)(url, json=rows)` with the method a parameter or a
    command-line word: whichever it picks, the rows may be posted. Both sends were unseen."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "client.py": '''\
import sys

import pandas as pd
import requests


def call(method, payload):
    return getattr(requests, method)("https://api.partner.example.com/in", json=payload)


rows = pd.read_csv("data/customers.csv").to_dict("records")
call("post", rows)
getattr(requests, sys.argv[1])("https://api.partner.example.com/cli", json=rows)
'''})
    blocked = {(line, dest) for _, line, action, _, dest, allowed in operation_rows(project)
               if action == "export" and not allowed}
    assert {(8, "https://api.partner.example.com/in"),
            (13, "https://api.partner.example.com/cli")} <= blocked


def test_data_put_into_a_dict_by_key_goes_with_the_dict(tmp_path: Path) -> None:
    """`payload["records"] = rows` into a dict of constants, `out[row["id"]] = {...}` into an
    empty one: what is later sent or written of the dict holds them (both were PUBLIC)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "push.py": '''\
import json

import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
payload = {"source": "acme", "version": 2}
payload["records"] = df.to_dict("records")
requests.post("https://api.vendor.example.com/in", json=payload, timeout=30)
out = {}
for _, row in df.iterrows():
    out[row["customer_id"]] = {"email": row["email"], "phone": row["phone"]}
with open("/tmp/contacts.json", "w") as fh:
    json.dump(out, fh)
'''})
    assert _exports(operation_rows(project)) == {
        "https://api.vendor.example.com/in": (("data/customers.csv",), False),
        "/tmp/contacts.json": (("data/customers.csv",), False),
    }


def test_a_frame_set_on_a_namespace_reads_back_as_that_frame(tmp_path: Path) -> None:
    """`ns.frame = df` and `setattr(ns, "frame", df)` on a `SimpleNamespace` (a run's state
    object), then `ns.frame.to_csv(...)`: the attribute is the frame (both were no operation:
    the namespace kept the data, and its attribute read as a library object's part)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "state.py": '''\
import argparse
from types import SimpleNamespace

import pandas as pd

df = pd.read_csv("data/customers.csv")
run = SimpleNamespace()
run.frame = df
run.frame.to_csv("/tmp/share/run.csv")
ctx = SimpleNamespace()
setattr(ctx, "frame", df[["email", "phone"]])
ctx.frame.to_parquet("/tmp/share/ctx.parquet")
args = argparse.Namespace(out="warehouse/x.csv")
args.frame = df
args.frame.to_csv("/tmp/share/args.csv")
'''})
    assert _exports(operation_rows(project)) == {
        "/tmp/share/run.csv": (("data/customers.csv",), False),
        "/tmp/share/ctx.parquet": (("data/customers.csv",), False),
        "/tmp/share/args.csv": (("data/customers.csv",), False),
    }


def test_a_tuple_a_function_returns_unpacks_into_its_own_frames(tmp_path: Path) -> None:
    """`customers, sales = load_all()` with `return customers, sales`, of this file or
    another: each name is its own frame (both were every frame returned, so exporting the
    sales was blocked as personal); a tuple kept whole, or a library's, is all of it."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/sales.csv": "sku,qty,price,customer_id\n",
        "repo.py": '''\
import pandas as pd


def load_all():
    customers = pd.read_csv("data/customers.csv")
    sales = pd.read_csv("data/sales.csv")
    return customers, sales
''', "export.py": '''\
import pandas as pd
from sklearn.model_selection import train_test_split

from repo import load_all


def split(frame):
    if frame.empty:
        return frame[["sku", "qty"]], frame
    return frame[["sku", "qty"]], frame.drop(columns=["sku"])


customers, sales = load_all()
sales.to_csv("/tmp/sales.csv")
customers.to_csv("/tmp/customers.csv")
units, rest = split(sales.merge(customers, on="customer_id"))
units.to_csv("/tmp/units.csv")
rest.to_csv("/tmp/rest.csv")
both = load_all()
both[1].to_csv("/tmp/both.csv")
train, test = train_test_split(customers)
test.to_csv("/tmp/test.csv")
'''})
    exports = _exports(operation_rows(project))
    assert exports["/tmp/sales.csv"] == (("data/sales.csv",), True)
    assert exports["/tmp/customers.csv"] == (("data/customers.csv",), False)
    assert exports["/tmp/units.csv"][1] is True
    assert exports["/tmp/rest.csv"][1] is False
    assert exports["/tmp/both.csv"][1] is False
    assert exports["/tmp/test.csv"][1] is False


def test_a_config_dataclass_made_from_constants_holds_its_fields(tmp_path: Path) -> None:
    """`cfg = Config()` of a `@dataclass` with path defaults (or given by keyword): its
    fields are those paths (they were places computed at run time, the sales export blocked
    as data of unknown origin); one made from data is still a record of that data."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/sales.csv": "sku,qty,price\n", "job.py": '''\
from dataclasses import dataclass

import pandas as pd


@dataclass
class Config:
    src: str = "data/sales.csv"
    out: str = "/tmp/sales_out.csv"


cfg = Config()
pd.read_csv(cfg.src).to_csv(cfg.out, index=False)
shared = Config(src="data/customers.csv", out="/tmp/customers_out.csv")
pd.read_csv(shared.src).to_csv(shared.out, index=False)
'''})
    exports = _exports(operation_rows(project))
    assert exports["/tmp/sales_out.csv"] == (("data/sales.csv",), True)
    assert exports["/tmp/customers_out.csv"] == (("data/customers.csv",), False)


def test_a_command_line_command_runs_with_its_defaults(tmp_path: Path) -> None:
    """A typer or click command's parameters are its options: without them it reads and
    writes where the defaults say, as argparse's `args.out` is its default (both were
    parameters nothing is passed to: the sales summary to /tmp was data of unknown origin,
    blocked)."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/sales.csv": "sku,qty,region\n", "cli.py": '''\
import click
import pandas as pd
import typer

app = typer.Typer()


@app.command()
def sales(src: str = "data/sales.csv", dest: str = "/tmp/sales_by_region.csv"):
    pd.read_csv(src).groupby("region")["qty"].sum().to_csv(dest)


@click.command()
@click.option("--out", default="~/exports/customers.csv")
def customers(out="~/exports/customers.csv"):
    pd.read_csv("data/customers.csv").to_csv(out)


@click.group()
def cli():
    pass


@cli.command()
def backup(out="/mnt/backup/customers.csv"):
    pd.read_csv("data/customers.csv").to_csv(out)


if __name__ == "__main__":
    app()
'''})
    exports = _exports(operation_rows(project))
    assert exports["/tmp/sales_by_region.csv"] == (("data/sales.csv",), True)
    assert exports["~/exports/customers.csv"] == (("data/customers.csv",), False)
    assert exports["/mnt/backup/customers.csv"] == (("data/customers.csv",), False)


def test_a_frame_picked_from_a_dict_literal_by_its_key_is_that_frame(tmp_path: Path) -> None:
    """`frames["sales"]` of `{"customers": ..., "sales": ...}` is the sales alone (it was
    every frame of the dict); a key known only at run time, or a dict a frame was put into
    since, may be any of them."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE,
                                     "data/sales.csv": "sku,qty,price\n", "export.py": '''\
import sys

import pandas as pd

frames = {"customers": pd.read_csv("data/customers.csv"),
          "sales": pd.read_csv("data/sales.csv")}
frames["sales"].to_csv("/tmp/sales.csv")
frames.get("sales").to_csv("/tmp/sales_get.csv")
frames[sys.argv[1]].to_csv("/tmp/picked.csv")
frames["extra"] = frames["customers"]
frames["sales"].to_csv("/tmp/after.csv")
'''})
    exports = _exports(operation_rows(project))
    assert exports["/tmp/sales.csv"] == (("data/sales.csv",), True)
    assert exports["/tmp/sales_get.csv"] == (("data/sales.csv",), True)
    assert exports["/tmp/picked.csv"][1] is False
    assert exports["/tmp/after.csv"][1] is False


def test_a_windows_drive_is_outside_the_project(tmp_path: Path) -> None:
    """`Z:\\Marketing\\...` and `G:/My Drive/...` are a share or a synced folder of the
    analyst's machine: they were project files, and allowed."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "share.py": '''\
import pandas as pd

df = pd.read_csv("data/customers.csv")
df.to_excel(r"Z:\\Marketing\\Campaigns\\customers.xlsx")
df.to_csv("G:/My Drive/Shared with agency/customers.csv")
'''})
    assert _exports(operation_rows(project)) == {
        "/Z:/Marketing/Campaigns/customers.xlsx": (("data/customers.csv",), False),
        "/G:/My Drive/Shared with agency/customers.csv": (("data/customers.csv",), False),
    }


def test_what_a_task_pulls_from_xcom_is_of_unknown_origin(tmp_path: Path) -> None:
    """The customers another task returned, pulled and staged in /tmp for a partner: blocked
    as data of unknown origin (it was INTERNAL, and a copy outside the project passed)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "dags/stage.py": '''\
from datetime import datetime

import pandas as pd
from airflow import DAG
from airflow.operators.python import PythonOperator


def extract():
    return pd.read_csv("data/customers.csv").to_dict("records")


def stage(ti):
    rows = ti.xcom_pull(task_ids="extract")
    pd.DataFrame(rows).to_csv("/tmp/partner_drop/customers.csv")


with DAG("stage_for_partner", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
    PythonOperator(task_id="extract", python_callable=extract) >> PythonOperator(
        task_id="stage", python_callable=stage)
'''})
    exports = _exports(operation_rows(project))
    assert exports == {"/tmp/partner_drop/customers.csv": (("xcom:extract",), False)}


def test_a_path_kept_in_a_config_file_is_a_place_known_at_run_time(tmp_path: Path) -> None:
    """`pd.read_csv(cfg["input"]["path"])` with `cfg` loaded from YAML or JSON reads a file
    the config names, not the config itself: data of unknown origin, which may not leave."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "config.yaml": "input:\n  path: data/customers.csv\noutput:\n  path: /tmp/c.csv\n",
        "settings.json": '{"source": "data/customers.csv"}\n',
        "job.py": '''\
import json

import pandas as pd
import requests
import yaml

with open("config.yaml") as fh:
    cfg = yaml.safe_load(fh)
df = pd.read_csv(cfg["input"]["path"])
df.to_csv(cfg["output"]["path"], index=False)
settings = json.load(open("settings.json"))
requests.post("https://api.partner.example.com/up", json=pd.read_csv(settings.get("source")))
'''})
    rows = operation_rows(project)
    reads = {(line, sources) for _, line, action, sources, _, _ in rows if action == "read"}
    assert reads == {(7, ("config.yaml",)), (9, ('cfg["input"]["path"]',)),
                     (11, ("settings.json",)), (12, ('settings.get("source")',))}
    outs = {(line, allowed) for _, line, action, _, _, allowed in rows
            if action in ("write", "export")}
    assert outs == {(10, False), (12, False)}


def test_a_loader_handed_to_a_walker_over_a_folder(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/users/part-1.json": "",
        "sql_queries.py": 'user_insert = ("INSERT INTO users (user_id, email, phone) '
                          'VALUES (%s, %s, %s) ON CONFLICT DO NOTHING")\n',
        "etl.py": '''\
import glob
import os

import pandas as pd
import psycopg2
from sql_queries import *


def process_user_file(cur, filepath):
    df = pd.read_json(filepath, lines=True)
    for i, row in df.iterrows():
        cur.execute(user_insert, list(row[["user_id", "email", "phone"]]))


def process_data(cur, conn, filepath, func):
    all_files = []
    for root, dirs, files in os.walk(filepath):
        files = glob.glob(os.path.join(root, "*.json"))
        for f in files:
            all_files.append(os.path.abspath(f))
    for i, datafile in enumerate(all_files, 1):
        func(cur, datafile)
        conn.commit()


def main():
    conn = psycopg2.connect("host=127.0.0.1 dbname=app")
    cur = conn.cursor()
    process_data(cur, conn, filepath="data/users", func=process_user_file)


if __name__ == "__main__":
    main()
'''})
    flows = operation_rows(project)
    reads = {sources for _, _, action, sources, _, _ in flows if action == "read"}
    assert reads == {("data/users/*.json",)}
    writes = {(dest, sources) for _, _, action, sources, dest, _ in flows if action == "write"}
    assert writes == {("users", ("data/users/*.json",))}


def test_a_notebook_path_up_from_its_folder_is_the_project_folder_jupyter_runs_it_in(
        tmp_path: Path) -> None:
    """Jupyter starts a notebook in its own folder: `../exports/x.csv` from `notebooks/` is the
    project's `exports/x.csv` (a write), while a path that leaves the project stays an export."""
    cells = [["import pandas as pd\n", "df = pd.read_csv('../data/people.csv')\n"],
             ["df.to_csv('../exports/people.csv')\n", "df.to_csv('../../team_drive/people.csv')\n"]]
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": source,
                           "outputs": [], "execution_count": None} for source in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    project = write_files(tmp_path, {"data/people.csv": PEOPLE,
                                     "notebooks/explore.ipynb": json.dumps(notebook)})
    rows = {(action, destination, allowed)
            for _, _, action, _, destination, allowed in operation_rows(project)}
    assert ("write", "exports/people.csv", True) in rows
    assert ("export", "../../team_drive/people.csv", False) in rows


def test_an_object_of_a_project_class_handed_to_a_function_is_read_through(
        tmp_path: Path) -> None:
    """A repository object given to a job (`job(Repo())`, a default `repo=Repo()`, a class of
    another module made directly or by a factory): the rows its method returns are what the
    job sends. The send carried nothing and was allowed; handed to a pool, the object is
    data of unknown origin, and without any caller the parameter stays so."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "pkg/__init__.py": "",
                                     "pkg/repo.py": '''\
import pandas as pd


class CustomerRepo:
    def customers(self) -> pd.DataFrame:
        return pd.read_csv("data/customers.csv")
''', "jobs.py": '''\
import pandas as pd
import requests

from pkg.repo import CustomerRepo


class LocalRepo:
    def customers(self) -> pd.DataFrame:
        return pd.read_csv("data/customers.csv")


def push(repo: LocalRepo) -> None:
    df = repo.customers()
    requests.post("https://api.partner.example.com/a", json=df.to_dict("records"))


def nightly(repo=LocalRepo()) -> None:
    rows = repo.customers()
    requests.post("https://api.partner.example.com/b", json=rows.to_dict("records"))


def sync(repo) -> None:
    requests.post("https://api.partner.example.com/c", json=repo.customers().to_dict("records"))


def make_repo() -> CustomerRepo:
    return CustomerRepo()


push(LocalRepo())
nightly()
sync(CustomerRepo())
sync(make_repo())
''', "pooled.py": '''\
from concurrent.futures import ThreadPoolExecutor

import requests

from pkg.repo import CustomerRepo


def push(repo) -> None:
    requests.post("https://api.partner.example.com/e", json=repo.customers().to_dict("records"))


with ThreadPoolExecutor() as pool:
    pool.submit(push, CustomerRepo())
''', "orphan.py": '''\
import requests


def sync(repo) -> None:
    requests.post("https://api.partner.example.com/d", json=repo.customers().to_dict("records"))
'''})
    sent = {(path, destination): (sources, allowed)
            for path, _, action, sources, destination, allowed in operation_rows(project)
            if action == "export"}
    customers = (("data/customers.csv",), False)
    assert sent == {
        ("jobs.py", "https://api.partner.example.com/a"): customers,
        ("jobs.py", "https://api.partner.example.com/b"): customers,
        ("jobs.py", "https://api.partner.example.com/c"): customers,
        ("orphan.py", "https://api.partner.example.com/d"): (
            ("parameter `repo` of `sync()` (line 4)",), False),
        ("pooled.py", "https://api.partner.example.com/e"): (
            ("`CustomerRepo()`, an object whose methods the body of `push()` calls",), False),
    }


def test_a_client_factory_with_several_returns_gives_its_client(tmp_path: Path) -> None:
    """A helper returning a library's client on each of its paths (if/else, try/except) gives
    that client: what is put through it is sent (it was no operation at all). One returning a
    client or a project object is an object nothing can be told of: data handed to its
    method goes where it takes it, known only at run time (it was no operation either)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import boto3
import gspread
import pandas as pd


def s3_client(profile=None):
    if profile:
        return boto3.Session(profile_name=profile).client("s3")
    return boto3.client("s3")


def worksheet(title):
    book = gspread.service_account().open_by_key("1AbCdEf")
    try:
        return book.worksheet(title)
    except gspread.WorksheetNotFound:
        return book.add_worksheet(title, rows=1000, cols=20)


class LocalSink:
    def put_object(self, **kwargs):
        return None


def sink(kind):
    if kind == "s3":
        return boto3.client("s3")
    return LocalSink()


df = pd.read_csv("data/customers.csv")
s3_client().put_object(Bucket="adpartner-audiences", Key="c.csv", Body=df.to_csv())
worksheet("Customers").update(df.values.tolist())
sink("s3").put_object(Bucket="adpartner-audiences", Key="d.csv", Body=df.to_csv())
'''})
    sent = {line: (destination, sources, allowed)
            for _, line, action, sources, destination, allowed in operation_rows(project)
            if action in ("write", "export")}
    customers = ("data/customers.csv",)
    assert sent == {
        32: ("s3://adpartner-audiences/c.csv", customers, False),
        33: ("google-sheets", customers, False),
        34: ('sink("s3").put_object()', customers, False),
    }


def test_a_client_kept_on_self_sends_from_a_method_no_code_calls(tmp_path: Path) -> None:
    """`self.http = requests.Session()` in `__init__`, used by a method nothing in the file
    calls: the send is found (there was no operation: the method was sliced away and
    `self.http` was unknown) and its parameter's data is of unknown origin; a URL the object
    holds (`self._url(...)` from `self.base_url`) is no parameter's place a caller passes, so
    what is sent there is denied too (it was allowed as the caller's to decide)."""
    project = write_files(tmp_path, {"mailer.py": '''\
import requests


class MailerClient:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def _url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def upsert(self, member):
        return self.http.put("https://us21.api.mailchimp.com/3.0/lists/x/members", json=member)

    def archive(self, member):
        return self.http.post(self._url("lists/x/archive"), json=member)
'''})
    sent = {line: (destination, allowed)
            for _, line, action, _, destination, allowed in operation_rows(project)
            if action in ("write", "export")}
    assert sent == {13: ("https://us21.api.mailchimp.com/3.0/lists/x/members", False),
                    16: ("self", False)}


def test_a_send_in_a_comprehension_condition_runs_with_each_item(tmp_path: Path) -> None:
    """`[m for m in members if client.upsert(m) >= 400]`, the helper in another module, and
    `requests.post` written in the condition itself: each sends the customers (neither was
    an operation at all)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "crm.py": '''\
import requests


class Client:
    def __init__(self):
        self.http = requests.Session()

    def upsert(self, member):
        return self.http.put("https://api.partner.example.com/members", json=member).status_code
''', "job.py": '''\
import pandas as pd
import requests

from crm import Client

members = pd.read_csv("data/customers.csv").to_dict("records")
client = Client()
failures = [m for m in members if client.upsert(m) >= 400]
rejected = [m for m in members
            if not requests.post("https://api.partner.example.com/check", json=m).ok]
'''})
    sent = {(path, destination): (sources, allowed)
            for path, _, action, sources, destination, allowed in operation_rows(project)
            if action == "export"}
    assert sent == {
        ("crm.py", "https://api.partner.example.com/members"): (
            ("data/customers.csv",), False),
        ("job.py", "https://api.partner.example.com/check"): (("data/customers.csv",), False),
    }


def test_sql_of_a_module_imported_from_its_package_runs_in_a_helper(tmp_path: Path) -> None:
    """`from . import queries` then `fetch_dicts(queries.SUBSCRIBERS, ...)`, the helper in a
    third module: the rows are those the query reads (they were of unknown origin), as with
    `import app.queries as q` and `from app.queries import SUBSCRIBERS`."""
    project = write_files(tmp_path, {"lacuna.toml": "", "app/__init__.py": "",
                                     "app/queries.py": '''\
SUBSCRIBERS = """
SELECT c.email, c.first_name, c.phone
FROM crm.customers c
WHERE c.updated_at >= %s
"""
''', "app/db.py": '''\
import psycopg2


def fetch_dicts(sql, params=()):
    cur = psycopg2.connect("dbname=crm").cursor()
    cur.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
''', "app/job.py": '''\
import requests

import app.queries as q
from . import queries
from .db import fetch_dicts


def run(since):
    members = fetch_dicts(queries.SUBSCRIBERS, (since,))
    requests.post("https://api.partner.example.com/a", json=members)
    again = fetch_dicts(q.SUBSCRIBERS)
    requests.post("https://api.partner.example.com/b", json=again)
'''})
    sent = {destination: (sources, allowed)
            for _, _, action, sources, destination, allowed in operation_rows(project)
            if action == "export"}
    assert sent == {"https://api.partner.example.com/a": (("crm.customers",), False),
                    "https://api.partner.example.com/b": (("crm.customers",), False)}
