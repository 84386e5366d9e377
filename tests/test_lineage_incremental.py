"""A check writes only the lineage that changed, and what it stores is what writing all of it
again gives: after edits (of the file checked, or of another the check does not ask for), a
deleted job, a new one, a changed CSV header and a changed schema-only SQL file, in one-file
and whole-project checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lacuna_cli.config import load_config
from lacuna_cli.scan import check
from lacuna_cli.store import lineage as stored_lineage
from lacuna_cli.store import open_store

from conftest import write_files

PROJECT = {
    "lacuna.toml": "embeddings = false\n",
    "data/customers.csv": "customer_id,email,country\n",
    "data/orders.csv": "order_id,customer_id,amount\n",
    "sql/schema.sql": "CREATE TABLE crm.contacts (contact_id INT, email VARCHAR);\n",
    "jobs/stage.py": "import pandas as pd\n\n"
                     "customers = pd.read_csv('data/customers.csv')\n"
                     "customers.to_parquet('work/customers.parquet')\n",
    "jobs/join.py": "import pandas as pd\n\n"
                    "c = pd.read_parquet('work/customers.parquet')\n"
                    "o = pd.read_csv('data/orders.csv')\n"
                    "c.merge(o, on='customer_id').to_csv('reports/orders.csv')\n",
    "jobs/contacts.py": "import pandas as pd\n\n"
                        "def run(con):\n"
                        "    rows = pd.read_sql('SELECT * FROM crm.contacts', con)\n"
                        "    rows.to_csv('reports/contacts.csv')\n",
    "jobs/regions.py": "import pandas as pd\n\n"
                       "o = pd.read_csv('data/orders.csv')\n"
                       "o.groupby('amount').size().to_csv('reports/sizes.csv')\n",
}


Rows = tuple[list[tuple[Any, ...]], ...]


def stored_rows(root: Path) -> Rows:
    """The stored lineage's edges and nodes, and the resource history (learned times
    included: an entry written again would carry the later one)."""
    with open_store(root / ".lacuna" / "lacuna.duckdb") as connection:
        return tuple(connection.execute(query).fetchall() for query in (
            "SELECT origin, source, target, payload FROM lineage_edges ORDER BY ALL",
            "SELECT id, origin, payload, tier, tags FROM lineage_nodes ORDER BY id",
            "SELECT * FROM resource_history ORDER BY id"))


def checked(root: Path, *paths: str) -> None:
    config = load_config(root, root)
    check([root / p for p in paths] or [root], config, None)


def written_all_again(root: Path, *paths: str) -> Rows:
    """The rows the same check stores when nothing of the stored lineage is trusted."""
    with open_store(root / ".lacuna" / "lacuna.duckdb", write=True) as connection:
        connection.execute("DELETE FROM lineage_files")
        connection.execute("DELETE FROM lineage_nodes")
    checked(root, *paths)
    return stored_rows(root)


STEPS: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = [
    ("first check", {}, ()),
    ("another job edited, a file not asked for: it writes the orders as they are", {
        "jobs/regions.py": "import pandas as pd\n\n"
                           "pd.read_csv('data/orders.csv').to_csv('reports/sizes.csv')\n"},
     ("jobs/contacts.py",)),
    ("an edited job, checked alone", {
        "jobs/stage.py": "import pandas as pd\n\n"
                         "customers = pd.read_csv('data/customers.csv')\n"
                         "customers[['customer_id', 'email']].to_parquet("
                         "'work/customers.parquet')\n"}, ("jobs/stage.py",)),
    ("a new exporting job, checked alone", {
        "jobs/export.py": "import pandas as pd\n\n"
                          "pd.read_csv('reports/orders.csv').to_csv('~/Downloads/o.csv')\n"},
     ("jobs/export.py",)),
    ("a CSV header gains a column", {"data/orders.csv": "order_id,customer_id,amount,phone\n"},
     ("jobs/regions.py",)),
    ("a schema-only SQL file changes", {
        "sql/schema.sql": "CREATE TABLE crm.contacts (contact_id INT, email VARCHAR, "
                          "ssn VARCHAR);\n"}, ()),
    ("a reviewed classification changes labels only", {
        "lacuna-classifications.yaml": "version: 1\noverrides:\n"
                                       "  - resource: reports/orders.csv\n    tier: PUBLIC\n"
                                       "    tags: []\n    reason: aggregates only\n"
                                       "    reviewed_by: dpo@example.com\n"}, ()),
    ("a table's declared columns move to another table", {
        "sql/schema.sql": "CREATE TABLE crm.people (contact_id INT, email VARCHAR, "
                          "ssn VARCHAR);\n"}, ("jobs/stage.py",)),
    ("a job deleted", {"jobs/regions.py": None}, ("jobs/join.py",)),
    ("nothing changed", {}, ()),
]


def test_what_a_check_stores_is_what_writing_all_again_gives(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", PROJECT)
    for name, edits, paths in STEPS:
        for relpath, text in edits.items():
            if text is None:
                (root / relpath).unlink()
            else:
                write_files(root, {relpath: text})
        checked(root, *paths)
        after = stored_rows(root)
        assert after[0] and after[1] and after[2], name
        assert written_all_again(root, *paths) == after, name
    assert not [row for row in after[0] if row[0] == "jobs/regions.py"]  # deleted


def test_a_check_that_changes_nothing_writes_no_lineage(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "project", PROJECT)
    checked(root)
    before = stored_rows(root)

    def refuse(_connection: object, table: str, _columns: object, rows: list[Any]) -> None:
        assert not rows, f"lineage written although nothing changed: {table}"

    monkeypatch.setattr(stored_lineage, "insert_columns", refuse)
    with monkeypatch.context() as serialising:
        serialising.setattr(stored_lineage, "_node_rows", lambda *_: pytest.fail(
            "node rows serialised although no analysis and no label changed"))
        checked(root)
    checked(root, "jobs/join.py")  # analyses merged in another order: nodes compared
    assert stored_rows(root) == before


def test_an_edited_file_has_only_its_own_edges_written_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "project", PROJECT)
    checked(root)
    written: dict[str, list[dict[str, Any]]] = {}
    insert = stored_lineage.insert_columns

    def spy(connection: Any, table: str, columns: Any, rows: Any) -> None:
        written.setdefault(table, []).extend(rows)
        insert(connection, table, columns, rows)

    monkeypatch.setattr(stored_lineage, "insert_columns", spy)
    write_files(root, {"jobs/regions.py": PROJECT["jobs/regions.py"].replace(
        "reports/sizes.csv", "reports/amounts.csv")})
    checked(root, "jobs/regions.py")
    assert {row["origin"] for row in written["lineage_edges"]} == {"jobs/regions.py"}
    assert [row["path"] for row in written["lineage_files"]] == ["jobs/regions.py"]
    assert any("amounts" in row["id"] for row in written["lineage_nodes"])
    assert not any("stage.py" in row["id"] for row in written["lineage_nodes"])
