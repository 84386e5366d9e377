"""A dbt Python model (`def model(dbt, session)`) reads what `dbt.source()` and `dbt.ref()`
name: the customers it then writes to a partner's bucket leave as the customers. Such a
file spelt no entry point a library's import would, so it was not even analysed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

SCHEMA = "CREATE TABLE crm.customers (customer_id INT, full_name TEXT, email TEXT, phone TEXT);\n"
SOURCES = "version: 2\nsources:\n  - name: crm\n    tables: [{name: customers}]\n"
EXPORT = '''\
def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.source("crm", "customers")
    customers.write.parquet("s3://partner-bucket/customers/")
    customers.to_pandas().to_csv("s3://partner-bucket/customers.csv")
    return customers
'''
SUMMARY = '''\
def model(dbt, session):
    orders = dbt.ref("orders")
    return orders.groupBy("region").count()
'''


def test_a_python_models_source_is_the_table_it_names(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "dbt_project.yml": "name: acme\nprofile: acme\n", "schema.sql": SCHEMA,
        "models/sources.yml": SOURCES,
        "models/partner_export.py": EXPORT, "models/region_summary.py": SUMMARY})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    blocked = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"],
                f["classification"]["tier"]) for f in findings if not f["decision"]["allowed"]}
    assert blocked == {("models/partner_export.py", 4, "PROPRIETARY"),
                       ("models/partner_export.py", 5, "PROPRIETARY")}
    reads = {s["name"] for f in findings if f["operation"]["action"] == "read"
             for s in f["operation"]["sources"]}
    assert {"crm.customers", "orders"} <= reads
