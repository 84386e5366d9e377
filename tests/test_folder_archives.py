"""A folder packed or copied takes along the files the job wrote below it, and the archive
`shutil.make_archive` returns is the file uploaded next: the customers exported into
`out/export/` and zipped reach the partner's bucket as the customers, not as nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
PRODUCTS = "product_id,title,category\n1,Lamp,home\n"
JOB = '''\
import shutil

import boto3
import pandas as pd

pd.read_csv("data/{source}.csv").to_csv("out/{source}/export.csv", index=False)
archive = shutil.make_archive("out/{source}_bundle", "zip", "out/{source}")
boto3.client("s3").upload_file(archive, "partner-crm-drop", "acme/{source}.zip")
'''


def test_an_archive_of_a_folder_the_job_wrote_carries_what_it_wrote(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/products.csv": PRODUCTS,
        "customers_job.py": JOB.format(source="customers"),
        "products_job.py": JOB.format(source="products")})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    uploads = {f["operation"]["location"]["path"]: (f["classification"]["tier"],
                                                      f["decision"]["allowed"])
               for f in json.loads(run.stdout)["findings"]
               if f["operation"]["location"]["line"] == 8}
    assert uploads["customers_job.py"] == ("PROPRIETARY", False)
    # the folder holds what the product list holds: internal, no person's data
    assert uploads["products_job.py"] == ("INTERNAL", False)


SYNC = '''\
import subprocess

import pandas as pd

pd.read_csv("data/{source}.csv").to_csv("out/{source}/export.csv", index=False)
subprocess.run(["aws", "s3", "sync", "out/{source}", "s3://partner-crm-drop/acme/"], check=True)
'''
NOTEBOOK_SYNC = {"cells": [
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1, "source": [
        "import pandas as pd\n",
        'pd.read_csv("data/customers.csv").to_csv("out/weekly/customers.csv")\n']},
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
     "source": ["!aws s3 sync out/weekly s3://partner-crm-drop/weekly/ --delete\n"]}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_folder_synced_to_a_bucket_carries_what_the_job_wrote_in_it(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/products.csv": PRODUCTS,
        "customers_sync.py": SYNC.format(source="customers"),
        "products_sync.py": SYNC.format(source="products"),
        "weekly.ipynb": json.dumps(NOTEBOOK_SYNC)})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    synced = {f["operation"]["location"]["path"]: f["classification"]["tier"]
              for f in json.loads(run.stdout)["findings"]
              if (f["operation"]["destination"] or {}).get("name", "").startswith(
                  "s3://partner-crm-drop/")}
    assert synced == {"customers_sync.py": "PROPRIETARY", "products_sync.py": "INTERNAL",
                      "weekly.ipynb": "PROPRIETARY"}


def test_files_read_by_a_glob_pattern_carry_the_columns_of_the_files_it_matches(
        tmp_path: Path) -> None:
    """`glob.glob("data/raw/*.csv")` read file by file and concatenated holds the columns of
    the matched files' headers: the people's e-mails written to /tmp are personal data, not
    the internal data a nameless pattern alone would be; the products' pattern stays
    internal."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/raw/part-1.csv": PEOPLE, "data/raw/part-2.csv": PEOPLE,
        "data/items/a.csv": PRODUCTS,
        "job.py": '''\
import glob

import pandas as pd

people = pd.concat([pd.read_csv(f) for f in glob.glob("data/raw/part-*.csv")])
people.to_csv("/tmp/people.csv")
items = pd.concat(pd.read_csv(f) for f in sorted(glob.glob("data/items/*.csv")))
items.to_csv("/tmp/items.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    writes = {f["operation"]["location"]["line"]: (f["classification"]["tier"],
                                                   f["decision"]["allowed"])
              for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert writes == {6: ("PROPRIETARY", False), 8: ("INTERNAL", True)}


def test_parquet_footers_and_json_records_name_their_columns(tmp_path: Path) -> None:
    """A Parquet file's schema (read from its footer) and the keys of the first record of a
    JSON Lines or JSON file are their columns, nested keys as `profile.email`: the people they
    hold are personal data wherever the file's name says nothing."""
    import duckdb

    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/extract_20240501.jsonl": '{"uid": 1, "email": "ada@example.com", "tier": "pro"}\n',
        "data/export_2024.json": '[{"id": 1, "profile": {"email": "a@b.c", "name": "Ada"}}]',
        "job.py": '''\
import json

import pandas as pd

pd.read_parquet("data/extract_20240502.parquet").to_csv("/tmp/from_parquet.csv")
pd.read_json("data/extract_20240501.jsonl", lines=True).to_csv("/tmp/from_jsonl.csv")
flat = pd.json_normalize(json.load(open("data/export_2024.json")))
flat[["id", "profile.email"]].to_csv("/tmp/from_json.csv")
'''})
    with duckdb.connect() as connection:
        connection.execute("COPY (SELECT 1 AS uid, 'ada@example.com' AS email, 'Ada' AS "
                           f"full_name) TO '{project}/data/extract_20240502.parquet' "
                           "(FORMAT parquet)")
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    exports = {f["operation"]["destination"]["name"]: (f["classification"]["tier"],
                                                       f["decision"]["allowed"])
               for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert exports == {"/tmp/from_parquet.csv": ("PROPRIETARY", False),
                       "/tmp/from_jsonl.csv": ("PROPRIETARY", False),
                       "/tmp/from_json.csv": ("PROPRIETARY", False)}
