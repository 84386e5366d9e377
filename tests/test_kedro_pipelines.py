"""Kedro pipelines: `node(func, inputs, outputs)` names datasets of the project's catalog
(`conf/<env>/catalog*.yml`). The function is called with its inputs' data and its result is
saved to its outputs, at the node's line; datasets the catalog does not hold stay in memory
between nodes; a catalog entry that names no place is an error line, and its writes go to a
place known only at run time; `local` overrides `base`; a catalog change re-analyses."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_lacuna, write_files

CATALOG = """\
customers:
  type: pandas.CSVDataset
  filepath: data/01_raw/customers.csv
partner_export:
  type: pandas.CSVDataset
  filepath: s3://partner-exchange/customers.csv
regional_totals:
  type: pandas.CSVDataset
  filepath: data/08_reporting/regions.csv
orders_db:
  type: pandas.SQLQueryDataset
  sql: SELECT email, amount FROM crm.orders
unplaced:
  type: pandas.CSVDataset
"""
NODES = """\
import pandas as pd


def clean(customers: pd.DataFrame) -> pd.DataFrame:
    return customers.dropna()


def totals(customers: pd.DataFrame) -> pd.DataFrame:
    return customers.groupby("region")["amount"].sum().reset_index()
"""
PIPELINE = """\
from kedro.pipeline import Pipeline, node, pipeline

from .nodes import clean, totals


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline([
        node(clean, inputs="customers", outputs="clean_customers", name="clean"),
        node(lambda df: df, inputs="clean_customers", outputs="partner_export", name="ship"),
        node(totals, "customers", "regional_totals", name="totals"),
        node(func=lambda o: o, inputs=["orders_db"], outputs="unplaced"),
    ])
"""


def _project(root: Path) -> Path:
    return write_files(root, {
        "lacuna.toml": "embeddings = false\n", "conf/base/catalog.yml": CATALOG,
        "data/01_raw/customers.csv": "customer_id,email,full_name,region,amount\n"
                                     "1,ada@example.com,Ada,north,3\n",
        "src/shop/__init__.py": "", "src/shop/pipelines/__init__.py": "",
        "src/shop/pipelines/export/__init__.py": "",
        "src/shop/pipelines/export/nodes.py": NODES,
        "src/shop/pipelines/export/pipeline.py": PIPELINE})


def _outputs(project: Path) -> tuple[dict[int, tuple], list[dict]]:
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    document = json.loads(run.stdout)
    return ({f["operation"]["location"]["line"]: (
        f["operation"]["destination"]["name"], [s["name"] for s in f["operation"]["sources"]],
        f["classification"]["tier"], f["decision"]["allowed"])
        for f in document["findings"] if f["operation"]["action"] in ("write", "export")},
        document["errors"])


def test_a_node_saves_what_its_function_makes_of_its_inputs(tmp_path: Path) -> None:
    outputs, errors = _outputs(_project(tmp_path))
    assert outputs == {
        # through a dataset kept in memory, then a lambda: the customers go to the partner
        9: ("s3://partner-exchange/customers.csv", ["data/01_raw/customers.csv"],
            "PROPRIETARY", False),
        # a helper of another file that sums by region: an internal summary, kept inside
        10: ("data/08_reporting/regions.csv", ["data/01_raw/customers.csv"], "INTERNAL", True),
        # a query dataset read, then written to an entry that names no place
        11: ("the dataset `unplaced`", ["crm.orders"], "PROPRIETARY", False),
    }
    assert [(e["path"], "`unplaced`" in e["message"]) for e in errors] == \
        [("conf/base/catalog.yml", True)]


def test_local_overrides_base_and_a_catalog_change_reanalyses(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _outputs(project)
    write_files(project, {"conf/local/catalog.yml": (
        "partner_export:\n  type: pandas.CSVDataset\n  filepath: data/07_output/c.csv\n")})
    outputs, _ = _outputs(project)
    assert outputs[9] == ("data/07_output/c.csv", ["data/01_raw/customers.csv"],
                          "PROPRIETARY", True)


def test_a_catalog_that_cannot_be_read_is_an_error_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    write_files(project, {"conf/base/catalog.yml": "customers: [unclosed\n"})
    outputs, errors = _outputs(project)
    assert [e["path"] for e in errors] == ["conf/base/catalog.yml"]
    assert "cannot read the Kedro catalog" in errors[0]["message"]
    # every dataset is then made elsewhere or kept in memory: never a silent pass
    assert outputs == {}


def test_dataset_names_computed_at_run_time_are_never_nothing(tmp_path: Path) -> None:
    """Outputs named at run time are a place known only then; inputs named so are data of
    unknown origin; a node without inputs (`None`) makes its own data."""
    project = _project(tmp_path)
    write_files(project, {"src/shop/pipelines/export/pipeline.py": """\
import os

from kedro.pipeline import node, pipeline

from .nodes import clean


def create_pipeline(**kwargs):
    return pipeline([
        node(clean, inputs="customers", outputs=os.environ["TARGET_DATASET"]),
        node(clean, inputs=kwargs["source"], outputs="partner_export"),
        node(clean, None, "regional_totals"),
    ])
"""})
    outputs, _ = _outputs(project)
    assert outputs == {
        10: ('os.environ["TARGET_DATASET"]', ["data/01_raw/customers.csv"], "PROPRIETARY",
             False),
        11: ("s3://partner-exchange/customers.csv", ['the Kedro datasets kwargs["source"]'],
             "UNKNOWN", False),
        12: ("data/08_reporting/regions.csv", [], "PUBLIC", True),
    }


RICH_CATALOG = """\
customers:
  type: pandas.CSVDataset
  filepath: data/01_raw/customers.csv
parameters_customers:
  type: pandas.CSVDataset
  filepath: data/01_raw/customers.csv
"{name}_feed":
  type: pandas.CSVDataset
  filepath: s3://partner-exchange/{name}.csv
eu.partner_export:
  type: pandas.CSVDataset
  filepath: s3://partner-eu/customers.csv
cached_export:
  type: kedro.io.CachedDataset
  dataset:
    type: pandas.CSVDataset
    filepath: s3://partner-cache/customers.csv
report:
  type: pandas.CSVDataset
  filepath: data/08_reporting/report.csv
leads_bq:
  type: pandas.GBQTableDataset
  project: partner-leads-prod
  dataset: shared_with_acme
  table_name: leads
orders_from_file:
  type: pandas.SQLQueryDataset
  filepath: sql/orders.sql
"""
RICH_PIPELINE = """\
from kedro.pipeline import node, pipeline

from .nodes import clean

SPEC = {"func": clean, "inputs": "customers", "outputs": "report"}


def create_pipeline(**kwargs):
    return pipeline([
        node(clean, "customers", "customers_feed"),
        node(clean, "customers", "partner_export"),
        node(clean, "customers", "cached_export"),
        node(clean, "customers", "report"),
        node(clean, "parameters_customers", "params_feed"),
        node(**SPEC),
        node(clean, "orders_from_file", "leads_bq"),
    ])
"""


def test_factories_namespaces_wrappers_and_every_environment_name_places(
        tmp_path: Path) -> None:
    """A factory's pattern fills its place, a namespaced pipeline's entry holds the name, a
    CachedDataset saves to the dataset it wraps, and a `prod` environment that moves the
    report outside adds that place to the default run's; a dataset named `parameters_...` is
    data; a node given `**spec` is an error line; a BigQuery table is named in its project
    and dataset; a query dataset's `filepath` is the project file holding its SQL."""
    project = _project(tmp_path)
    write_files(project, {"conf/base/catalog.yml": RICH_CATALOG,
                          "conf/prod/catalog.yml": "report:\n  type: pandas.CSVDataset\n"
                                                   "  filepath: s3://partner-prod/report.csv\n",
                          "sql/orders.sql": "SELECT email, amount FROM crm.orders\n",
                          "src/shop/pipelines/export/pipeline.py": RICH_PIPELINE})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    document = json.loads(run.stdout)
    written = sorted((f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
                      f["decision"]["allowed"]) for f in document["findings"]
                     if f["operation"]["action"] in ("write", "export"))
    assert written == [
        (10, "s3://partner-exchange/customers.csv", False),
        (11, "s3://partner-eu/customers.csv", False),
        (12, "s3://partner-cache/customers.csv", False),
        (13, "data/08_reporting/report.csv", True),
        (13, "s3://partner-prod/report.csv", False),
        (14, "s3://partner-exchange/params.csv", False),
        (16, "partner-leads-prod.shared_with_acme.leads", False),
    ]
    read = [f["operation"]["sources"][0]["name"] for f in document["findings"]
            if f["operation"]["location"]["line"] == 16 and f["operation"]["action"] == "query"]
    assert read == ["crm.orders"]
    assert [(e["path"], e["line"], "`**`" in e["message"]) for e in document["errors"]] == \
        [("src/shop/pipelines/export/pipeline.py", 15, True)]


def test_without_a_catalog_a_nodes_datasets_are_unknown_places(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "conf" / "base" / "catalog.yml").unlink()
    outputs, _ = _outputs(project)
    assert outputs[9][0] == "the Kedro dataset `partner_export` (no conf/*/catalog*.yml " \
                            "found above the pipeline)"
    assert not outputs[9][3]


def test_a_catalog_file_added_anywhere_in_conf_reanalyses(tmp_path: Path) -> None:
    project = _project(tmp_path)
    outputs, _ = _outputs(project)
    assert outputs[10][0] == "data/08_reporting/regions.csv"
    write_files(project, {"conf/base/catalog/partner.yml": (
        "regional_totals:\n  type: pandas.CSVDataset\n"
        "  filepath: s3://partner-exchange/regions.csv\n")})
    outputs, _ = _outputs(project)
    assert outputs[10][0] == "s3://partner-exchange/regions.csv"


def test_a_node_function_of_another_file_writes_its_inputs_where_it_writes(
        tmp_path: Path) -> None:
    """`dump_for_debug(customers, path)` of `nodes.py`, given the customers dataset and a
    parameter: its `to_csv(path)` writes the customers to a place known only at run time."""
    project = _project(tmp_path)
    write_files(project, {
        "src/shop/pipelines/export/nodes.py": NODES + (
            "\n\ndef dump_for_debug(customers, path):\n    customers.to_csv(path)\n"),
        "src/shop/pipelines/export/pipeline.py": (
            "from kedro.pipeline import node, pipeline\n\nfrom .nodes import dump_for_debug\n\n\n"
            "def create_pipeline(**kwargs):\n    return pipeline([node(dump_for_debug, "
            "['customers', 'params:debug_path'], None)])\n")})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    written = [(f["operation"]["location"]["path"], [s["name"] for s in f["operation"]["sources"]],
                f["classification"]["tier"], f["decision"]["allowed"])
               for f in json.loads(run.stdout)["findings"]
               if f["operation"]["action"] in ("write", "export")]
    assert written == [("src/shop/pipelines/export/nodes.py", ["data/01_raw/customers.csv"],
                        "PROPRIETARY", False)]
