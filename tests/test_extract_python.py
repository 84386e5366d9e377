"""Python dataflow: which operations are found and which resources flow into each."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.models import Operation


def ops(source: str, root: Path = Path("/project")) -> list[Operation]:
    extraction = extract_python(source, "job.py", PythonContext(root=root))
    assert not extraction.errors, extraction.errors
    return list(extraction.operations)


def writes(source: str) -> list[tuple[str, set[str], str | None]]:
    return [(op.destination.name, {s.name for s in op.sources}, op.dynamic_reason)
            for op in ops(source) if op.action in ("write", "export")]


def test_import_aliases_and_from_imports_are_resolved() -> None:
    found = ops("import pandas as pandas_lib\nfrom pandas import read_csv as rc\n"
                "a = pandas_lib.read_parquet('a.parquet')\nb = rc('b.csv')\n")
    assert [(op.action, op.sources[0].name) for op in found] == [
        ("read", "a.parquet"), ("read", "b.csv")]


def test_sources_flow_through_reassignment_chains_and_merges() -> None:
    source = """
import pandas as pd
a = pd.read_csv("crm/customers.csv")
b = pd.read_csv("sales.csv").copy().rename(columns={"x": "y"})
c = a
d = c.merge(b, on="id").reset_index()
e = pd.concat([d, pd.read_json("extra.json")])
e.to_parquet("out/e.parquet")
"""
    assert writes(source) == [("out/e.parquet", {"crm/customers.csv", "sales.csv",
                                                  "extra.json"}, None)]


def test_join_aggregate_filter_and_anonymize_are_operations() -> None:
    source = """
import pandas as pd, hashlib
df = pd.read_csv("users.csv")
adults = df[df["age"] > 18]
df["email"] = df["email"].apply(lambda v: hashlib.sha256(v.encode()).hexdigest())
g = adults.groupby("country").agg(n=("id", "count"))
"""
    assert [op.action for op in ops(source)] == ["read", "filter", "anonymize", "aggregate"]


def test_write_destinations_and_actions() -> None:
    source = """
import pandas as pd, shutil, requests
df = pd.read_csv("data/x.csv")
df.to_csv("reports/x.csv")
df.to_excel("~/Desktop/x.xlsx")
df.to_sql("staging.x", con)
shutil.copy("data/x.csv", "/mnt/share/x.csv")
requests.post("https://api.example.com/upload", json=df.to_dict())
with open("out/notes.txt", "w") as fh:
    fh.write(df.to_string())
"""
    found = [(op.action, op.destination.kind, op.destination.name)
             for op in ops(source) if op.destination]
    assert found == [
        ("write", "file", "reports/x.csv"),
        ("export", "file", "~/Desktop/x.xlsx"),
        ("write", "table", "staging.x"),
        ("export", "file", "/mnt/share/x.csv"),
        ("export", "url", "https://api.example.com/upload"),
        ("write", "file", "out/notes.txt"),
    ]
    assert all({s.name for s in op.sources} == {"data/x.csv"} for op in ops(source)
               if op.destination)


@pytest.mark.parametrize("target, reason", [
    ("sys.argv[1]", "command-line arguments"),
    ("os.environ['OUT']", "environment variable"),
    ("f'{base}/out.csv'", "f-string"),
    ("make_path()", "computed at run time"),
])
def test_runtime_destinations_are_reported_as_dynamic(target: str, reason: str) -> None:
    source = (f"import os, sys\nimport pandas as pd\ndf = pd.read_csv('a.csv')\n"
              f"df.to_csv({target})\n")
    (write,) = [op for op in ops(source) if op.action in ("write", "export")]
    assert write.dynamic and reason in write.dynamic_reason
    assert write.destination.kind == "unknown"
    assert [s.name for s in write.sources] == ["a.csv"]


def test_static_paths_built_from_constants_are_resolved() -> None:
    source = """
from pathlib import Path
import os
import pandas as pd
OUT = "reports"
df = pd.read_csv(os.path.join("data", "a.csv"))
df.to_csv(Path(OUT) / "a.csv")
df.to_csv(f"{OUT}/b.csv")
"""
    assert [w[0] for w in writes(source)] == ["reports/a.csv", "reports/b.csv"]
    assert ops(source)[0].sources[0].name == "data/a.csv"


def test_embedded_sql_is_parsed_for_tables_and_columns() -> None:
    source = """
import pandas as pd
from sqlalchemy import text
df = pd.read_sql("SELECT email, phone FROM crm.customers WHERE active", engine)
conn.execute(text("INSERT INTO mart.contacts SELECT * FROM crm.customers"))
df.to_csv("~/contacts.csv")
"""
    found = ops(source)
    query = found[0]
    assert query.action == "query"
    assert query.sources[0].name == "crm.customers"
    assert set(query.sources[0].columns) == {"email", "phone", "active"}
    insert = next(op for op in found if op.destination and op.destination.kind == "table")
    assert insert.destination.name == "mart.contacts"
    export = found[-1]
    assert {s.name for s in export.sources} == {"crm.customers"}


def test_usecols_and_projection_record_columns(tmp_path: Path) -> None:
    source = ("import pandas as pd\ndf = pd.read_csv('c.csv', usecols=['id', 'email'])\n"
              "df[['id']].to_csv('ids.csv')\n")
    extraction = extract_python(source, "job.py", PythonContext(root=tmp_path))
    read = extraction.operations[0]
    assert read.sources[0].columns == ("id", "email")
    project = next(e for e in extraction.edges if e.transform == "project")
    assert project.columns == ("id",)


def test_csv_header_of_a_project_file_gives_columns(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("id,email,amount\n1,a@b.c,3\n")
    extraction = extract_python("import pandas as pd\ndf = pd.read_csv('c.csv')\n", "job.py",
                                PythonContext(root=tmp_path))
    assert extraction.operations[0].sources[0].columns == ("id", "email", "amount")


def test_every_operation_has_location_and_snippet() -> None:
    (read, write) = ops("import pandas as pd\n\nx = pd.read_csv('a.csv')\n"
                        "x.to_csv('~/b.csv')  # comment\n")
    assert (read.location.line, read.location.column) == (3, 5)
    assert (write.location.line, write.location.column) == (4, 1)
    assert write.code == "x.to_csv('~/b.csv')"
    assert read.id != write.id and read.id.startswith("op-")


def test_syntax_error_is_one_error_with_its_line() -> None:
    extraction = extract_python("import pandas as pd\n\nx = (\n", "bad.py",
                                PythonContext(root=Path("/p")))
    (error,) = extraction.errors
    assert error.path == "bad.py" and error.line is not None and error.line >= 3
    assert "cannot parse Python" in error.message


OPENED_BY_AN_OBJECT = """
import pandas as pd

def save(fs, name):
    rows = pd.read_csv("data/customers.csv")
    with fs.open("/tmp/customers_export.csv", "w") as out:
        out.write(rows.to_csv())

class Checks:
    def test_reads_itself(self):
        with self.open(__file__, "rb") as f:
            f.readline()
"""


@pytest.mark.parametrize("folder", ["draw", "plot"])
def test_an_open_whose_first_argument_is_a_path_opens_that_path_wherever_the_project_is(
        folder: str) -> None:
    """`fs.open(path, "w")`, `self.open(__file__, "rb")`: the first argument is the path, not a
    mode. Read as a mode, the letters of the folder the project sits in decided whether
    `self.open(__file__, ...)` read or wrote (`/tmp/.../draw/` has a `w` and an `a`)."""
    found = ops(OPENED_BY_AN_OBJECT, Path("/srv") / folder)
    assert [(op.location.line, op.action, [s.name for s in op.sources],
             op.destination.name if op.destination else None) for op in found] == [
        (5, "read", ["data/customers.csv"], None),
        (7, "export", ["data/customers.csv"], "/tmp/customers_export.csv"),
        (11, "read", ["job.py"], None)]


def test_a_path_object_opened_with_a_mode_still_opens_itself() -> None:
    source = ("import sys\nfrom pathlib import Path\nimport pandas as pd\n"
              "rows = pd.read_csv('data/customers.csv')\n"
              "with Path(sys.argv[1]).open('w') as out:\n    out.write(rows.to_csv())\n")
    assert writes(source) == [("Path(sys.argv[1])", {"data/customers.csv"},
                               "command-line arguments (sys.argv)")]


def test_an_object_opened_at_a_run_time_name_for_reading_is_the_place_read() -> None:
    """`archive.open(member)` reads a member of the archive: the data is the archive's. A
    run-time name opened to write (`fs.open(path, "w")`) is where the data goes."""
    source = ("import requests\n\ndef upload(archive, member):\n"
              "    with archive.open(member) as f:\n"
              "        requests.post('https://partner.example/in', data=f.read())\n\n"
              "def save(fs, path, rows):\n    with fs.open(path, 'w') as out:\n"
              "        out.write(rows)\n")
    found = {(op.location.line, op.action): op for op in ops(source)}
    assert [s.name for s in found[(4, "read")].sources] == ["archive"]
    written = found[(9, "write")]
    assert written.destination is not None and written.destination.name == "path"
