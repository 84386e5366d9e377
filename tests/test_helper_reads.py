"""Reads inside a helper of another project file whose path is a parameter, through the CLI:
the caller names the path (`load("data/customers.csv")`), so the caller's analysis reports the
read at the helper's line with that path, and the data it returns carries it on, also when
the helper is handed a session (`extract(spark, "data/customers.csv")`)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email\n"
HELPERS = '''\
import pandas as pd


def load(path):
    return pd.read_csv(path)


def extract(spark, path):
    return spark.read.option("header", True).csv(path)
'''


def _operations(project: Path) -> list[dict]:
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    return [f["operation"] for f in json.loads(run.stdout)["findings"]]


def test_a_helper_read_of_a_path_parameter_names_the_callers_path(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "etl/helpers.py": HELPERS,
                                     "data/orders.csv": "order_id,customer_id,amount\n",
                                     "etl/job.py": '''\
from pyspark.sql import SparkSession

from etl.helpers import extract, load

spark = SparkSession.builder.getOrCreate()
customers = load("data/customers.csv")
customers.to_csv("/tmp/customers.csv")
load("data/customers.csv").merge(load("data/orders.csv"), on="customer_id").to_csv("/tmp/j.csv")
people = extract(spark, "data/customers.csv")
people.join(spark.table("sales.orders"), "customer_id").write.saveAsTable("mart.c360")


def build(spark):
    return extract(spark, "data/customers.csv").join(spark.table("sales.orders"), "id")


build(spark).write.saveAsTable("mart.c360_daily")
'''})
    operations = _operations(project)
    reads = {(o["location"]["line"], s["name"]) for o in operations
             if o["location"]["path"] == "etl/helpers.py" and o["action"] == "read"
             for s in o["sources"]}
    assert {(5, "data/customers.csv"), (9, "data/customers.csv")} <= reads
    writes = {(o["destination"]["name"], tuple(sorted(s["name"] for s in o["sources"])))
              for o in operations if o["location"]["path"] == "etl/job.py"
              and o["action"] in ("write", "export")}
    assert ("/tmp/customers.csv", ("data/customers.csv",)) in writes
    assert ("/tmp/j.csv", ("data/customers.csv", "data/orders.csv")) in writes  # both frames
    # the helper is handed the session: what it returns is still the file it reads
    assert ("mart.c360", ("data/customers.csv", "sales.orders")) in writes
    assert ("mart.c360_daily", ("data/customers.csv", "sales.orders")) in writes


def test_a_helper_given_a_path_built_at_run_time_keeps_its_own_unresolved_read(
        tmp_path: Path) -> None:
    project = write_files(tmp_path, {"etl/helpers.py": HELPERS, "etl/job.py": '''\
import sys

from etl.helpers import load

load(sys.argv[1]).to_csv("/tmp/out.csv")
'''})
    reads = [o for o in _operations(project) if o["location"]["path"] == "etl/helpers.py"
             and o["action"] == "read" and o["location"]["line"] == 5]
    assert reads and all(o["dynamic"] for o in reads)
