"""Column lineage through the central store, against a real PostgreSQL server (.ci/run starts
one): a dbt-like repository pushes where each column of its source goes, an analysts'
repository's notebook exports one of its tables, and `lacuna lineage downstream TABLE --column
NAME --central` follows a column through both; the column's classification reaches the
analysts' check."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from conftest import postgres_dsn
from test_central_lineage import central, repository, with_central  # noqa: F401  (fixture)

DSN = postgres_dsn()

psycopg = pytest.importorskip("psycopg")

# SCHEMA and RAW are replaced per test: the store is shared by every test.
STAGING = """CREATE TABLE SCHEMA.stg_contacts AS
SELECT id, email, full_name, country FROM RAW.contacts;
"""
# `cref` says nothing of what it holds: only the column lineage knows it is an email address.
CUSTOMERS = """CREATE TABLE SCHEMA.customers AS
SELECT id, email AS cref, full_name, country FROM SCHEMA.stg_contacts;
"""
CUSTOMERS_WITHOUT_EMAIL = """CREATE TABLE SCHEMA.customers AS
SELECT id, country FROM SCHEMA.stg_contacts;
"""
NOTEBOOK_CELLS = [
    ('import pandas as pd\nimport sqlalchemy\n\nengine = sqlalchemy.create_engine('
     '"postgresql://warehouse")'),
    'frame = pd.read_sql("SELECT * FROM SCHEMA.customers", engine)',
    'contacts = frame[["cref", "country"]]\ncontacts.to_csv("~/Downloads/SCHEMA.csv")',
]
REGIONS = '''import pandas as pd
import sqlalchemy

engine = sqlalchemy.create_engine("postgresql://warehouse")
regions = pd.read_sql("SELECT country FROM SCHEMA.customers", engine)
regions.to_csv("~/Downloads/SCHEMA_regions.csv")
'''
# A copy of the whole table: every column goes on under its name (a `*` column edge).
MIRROR = '''import pandas as pd

frame = pd.read_sql("SELECT * FROM SCHEMA.customers", "postgresql://warehouse")
frame.to_parquet("warehouse/SCHEMA_mirror.parquet")
'''


def notebook(cells: list[str]) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": cell,
                                  "outputs": [], "execution_count": None} for cell in cells],
                       "metadata": {"language_info": {"name": "python"}},
                       "nbformat": 4, "nbformat_minor": 5})


class Org:
    """Two repositories in temporary folders, their names in the store, and their schema."""

    def __init__(self, tmp_path: Path) -> None:
        self.schema = f"s{uuid.uuid4().hex[:8]}"
        self.raw = f"raw_{self.schema}"
        self.dbt = f"dbt-{self.schema}"
        self.analysts = f"analysts-{self.schema}"
        self.builder = self._repository(tmp_path / "dbt", {
            "models/stg_contacts.sql": STAGING, "models/customers.sql": CUSTOMERS})
        self.reader = self._repository(tmp_path / "notebooks", {
            "export.ipynb": notebook(NOTEBOOK_CELLS), "regions.py": REGIONS, "mirror.py": MIRROR})

    def _repository(self, root: Path, files: dict[str, str]) -> Path:
        return repository(root, {name: text.replace("RAW", self.raw)
                                 for name, text in files.items()}, self.schema)


@pytest.fixture
def org(tmp_path: Path, lacuna, central) -> Org:  # noqa: F811  (the fixture imported above)
    made = Org(tmp_path)
    assert lacuna("check", ".", cwd=made.builder).code == 0
    return made


def reached(org: Org, column: str) -> list[tuple]:
    answer = org_downstream(org, column, "--format", "json")
    return [(n["label"], n["column"], n["distance"],
             [(w["from"], w["repo"], w["at"], w["operation"]) for w in n["written_by"]])
            for n in json.loads(answer)["downstream"]]


def org_downstream(org: Org, column: str, *extra: str) -> str:
    from conftest import run_lacuna

    down = run_lacuna("lineage", "downstream", f"{org.raw}.contacts", "--column", column,
                      "--central", *extra, cwd=org.reader, env=with_central(DSN))
    assert down.code == 0, down.stderr
    return down.stdout


def test_a_column_is_followed_from_the_dbt_repository_into_the_notebooks_export(
        org: Org, lacuna) -> None:
    alone = lacuna("check", ".", cwd=org.reader)
    assert alone.code == 0 and "0 blocked" in alone.stdout  # `cref` alone says nothing

    pushed = lacuna("lineage", "push", "--to", DSN, "--repo", org.dbt, cwd=org.builder)
    assert pushed.code == 0, pushed.stderr
    assert ", 8 column edges (push" in pushed.stdout  # 4 columns, each through 2 models

    # The pull: the column's classification applies where this repository reads the table.
    checked = lacuna("check", ".", cwd=org.reader, env=with_central(DSN))
    assert checked.code == 1, checked.stdout + checked.stderr
    blocked = [line for line in checked.stdout.splitlines() if "BLOCKED" in line]
    assert len(blocked) == 1 and f"to ~/Downloads/{org.schema}.csv" in blocked[0]
    assert "Personal columns: cref" in checked.stdout
    assert f"inherited from {org.schema}.customers ({org.dbt}: models/customers.sql:1)" \
        in checked.stdout

    shared = lacuna("lineage", "push", "--to", DSN, "--repo", org.analysts, cwd=org.reader)
    assert shared.code == 0, shared.stderr
    stg, customers = f"{org.schema}.stg_contacts", f"{org.schema}.customers"
    mirror = f"warehouse/{org.schema}_mirror.parquet"
    assert reached(org, "email") == [
        (stg, "email", 1, [(f"{org.raw}.contacts.email", org.dbt, "models/stg_contacts.sql:1",
                            "copy")]),
        (customers, "cref", 2, [(f"{stg}.email", org.dbt, "models/customers.sql:1",
                                 "rename")]),
        (mirror, "cref", 3, [(f"{customers}.cref", org.analysts, "mirror.py:4", "copy")]),
        (f"~/Downloads/{org.schema}.csv", "cref", 3,
         [(f"{customers}.cref", org.analysts, "export.ipynb:2", "copy")]),
    ]
    # The notebook keeps cref and country only: full_name goes to the mirror alone; the
    # country to all three.
    assert [(label, column) for label, column, _, _ in reached(org, "full_name")] == [
        (stg, "full_name"), (customers, "full_name"), (mirror, "full_name")]
    assert [label for label, _, _, _ in reached(org, "country")][2:] == [
        mirror, f"~/Downloads/{org.schema}.csv", f"~/Downloads/{org.schema}_regions.csv"]
    with psycopg.connect(DSN) as connection:
        into_mirror = connection.execute(
            "SELECT source_column, target_column, except_columns FROM lacuna.current_column_edges"
            " WHERE repo = %s AND target LIKE %s ORDER BY seq", [org.analysts,
                                                                 "%_mirror.parquet"]).fetchall()
    # The columns this repository names go by their own edges; `*` covers the others.
    assert into_mirror == [("*", "*", ["country"]), ("country", "country", [])]

    text = org_downstream(org, "email")
    assert f"~/Downloads/{org.schema}.csv column cref [GDPR, PII]" in text
    assert f"  copy of {customers}.cref by {org.analysts}: export.ipynb:2" in text
    assert f"4 columns downstream of {org.raw}.contacts column email across 2 repositories" \
        in text

    local = lacuna("lineage", "downstream", f"{org.raw}.contacts", "--column", "email",
                   "--format", "json", cwd=org.builder)
    assert local.code == 0, local.stderr
    assert [(n["label"], n["column"]) for n in json.loads(local.stdout)["downstream"]] == [
        (stg, "email"), (customers, "cref")]


def test_a_new_push_replaces_the_column_edges_and_keeps_their_history(org: Org, lacuna) -> None:
    assert lacuna("lineage", "push", "--to", DSN, "--repo", org.dbt, cwd=org.builder).code == 0
    assert lacuna("check", ".", cwd=org.reader).code == 0
    assert lacuna("lineage", "push", "--to", DSN, "--repo", org.analysts,
                  cwd=org.reader).code == 0
    (org.builder / "models" / "customers.sql").write_text(
        CUSTOMERS_WITHOUT_EMAIL.replace("SCHEMA", org.schema))
    assert lacuna("check", ".", cwd=org.builder).code == 0
    again = lacuna("lineage", "push", "--to", DSN, "--repo", org.dbt, cwd=org.builder)
    assert again.code == 0 and ", 6 column edges (push" in again.stdout, again.stderr

    assert [label for label, _, _, _ in reached(org, "email")] == [
        f"{org.schema}.stg_contacts"]
    with psycopg.connect(DSN) as connection:
        history = connection.execute(
            "SELECT push_id, count(*) FILTER (WHERE target_column = 'cref') FROM "
            "lacuna.visible_column_edges WHERE repo = %s GROUP BY push_id ORDER BY push_id",
            [org.dbt]).fetchall()
    assert [cref for _, cref in history] == [1, 0]


def test_an_interrupted_push_resumes_its_column_edges(org: Org, monkeypatch) -> None:
    from lacuna_cli.central import push as push_module
    from lacuna_cli.central.snapshot import lineage_snapshot
    from lacuna_cli.config import load_config

    snapshot = lineage_snapshot(load_config(root=org.builder), org.dbt)
    assert len(snapshot.column_edges) == 8
    monkeypatch.setattr(push_module, "BATCH", 3)
    real_send = push_module._send

    def dying(connection, table, columns, repo, push_id, rows):
        if table == "lineage_column_edges":
            real_send(connection, table, columns, repo, push_id, rows[:3])
            raise ConnectionError("network gone")
        return real_send(connection, table, columns, repo, push_id, rows)

    monkeypatch.setattr(push_module, "_send", dying)
    with pytest.raises(ConnectionError):
        push_module.push(DSN, org.dbt, snapshot)
    monkeypatch.setattr(push_module, "_send", real_send)
    resumed = push_module.push(DSN, org.dbt, snapshot)
    assert (resumed.nodes, resumed.edges, resumed.column_edges) == (0, 0, 5)
    with psycopg.connect(DSN) as connection:
        stored = connection.execute(
            "SELECT source_column, target_column, operation, path, line FROM "
            "lacuna.current_column_edges WHERE repo = %s ORDER BY seq", [org.dbt]).fetchall()
    assert [row for row in stored if row[1] == "cref"] == [
        ("email", "cref", "rename", "models/customers.sql", 1)]
    assert len(stored) == 8


def test_the_audit_push_and_the_lineage_push_fail_to_connect_alike(org: Org, lacuna) -> None:
    url = "postgresql://lacuna:s3cr3t-pw@127.0.0.1:1/postgres"
    audit = lacuna("audit", "push", "--to", url, "--repo", org.dbt, cwd=org.builder)
    lineage = lacuna("lineage", "push", "--to", url, "--repo", org.dbt, cwd=org.builder)
    assert audit.code == lineage.code == 2
    (line,) = audit.stderr.strip().splitlines()
    assert line.startswith("lacuna: error: cannot connect to the central store: ")
    assert lineage.stderr == audit.stderr and "s3cr3t-pw" not in line
