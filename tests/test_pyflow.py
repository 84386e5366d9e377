"""Python dataflow through user functions, loops, collections, handles and embedded SQL."""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.lineage import build_graph
from lacuna_cli.models import Extraction, Operation


def extract(source: str, path: str = "job.py") -> Extraction:
    extraction = extract_python(source, path, PythonContext(root=Path("/project")))
    assert not extraction.errors, extraction.errors
    return extraction


def ops(source: str) -> list[Operation]:
    return list(extract(source).operations)


def summary(source: str) -> list[tuple[int, str, str | None, set[str]]]:
    """(line, action, destination or read resource, source names) of every operation."""
    found = []
    for op in ops(source):
        place = op.destination.name if op.destination else (
            op.sources[0].name if op.action == "read" and op.sources else None)
        found.append((op.location.line, op.action, place, {s.name for s in op.sources}))
    return found


def test_function_return_value_carries_its_arguments_sources() -> None:
    source = """
import pandas as pd
def clean(frame):
    return frame[frame["ok"] > 0].reset_index()
raw = pd.read_csv("a.csv")
out = clean(raw)
out.to_csv("b.csv")
"""
    assert summary(source) == [
        (4, "filter", None, {"a.csv"}),
        (5, "read", "a.csv", {"a.csv"}),
        (7, "write", "b.csv", {"a.csv"}),
    ]


def test_writes_inside_a_function_get_each_call_sites_sources_and_destination() -> None:
    source = """
import sys
import pandas as pd
def save(frame, target):
    frame.to_parquet(target)
save(pd.read_csv("a.csv"), "out/a.parquet")
save(pd.read_csv("b.csv"), "~/b.parquet")
save(pd.read_csv("c.csv"), sys.argv[1])
"""
    writes = {(op.action, op.destination.name, op.destination.kind, op.dynamic_reason,
               tuple(s.name for s in op.sources)) for op in ops(source)
              if op.destination is not None}
    assert writes == {
        ("write", "out/a.parquet", "file", None, ("a.csv",)),
        ("export", "~/b.parquet", "file", None, ("b.csv",)),
        ("write", "sys.argv[1]", "unknown", "command-line arguments (sys.argv)", ("c.csv",)),
    }
    assert all(op.location.line == 5 for op in ops(source) if op.destination is not None)


def test_one_template_called_twice_with_one_destination_merges_sources() -> None:
    source = """
import pandas as pd
def publish(frame):
    frame.to_csv("reports/latest.csv")
publish(pd.read_csv("a.csv"))
publish(pd.read_csv("b.csv"))
"""
    (write,) = [op for op in ops(source) if op.action == "write"]
    assert {s.name for s in write.sources} == {"a.csv", "b.csv"}


def test_a_loader_function_reads_the_path_each_caller_gives() -> None:
    source = """
import pandas as pd
def load(path):
    return pd.read_csv(path, usecols=["id", "email"])
a = load("crm/a.csv")
b = load("crm/b.csv")
a.to_csv("out.csv")
"""
    found = summary(source)
    assert (4, "read", "crm/a.csv", {"crm/a.csv"}) in found
    assert (4, "read", "crm/b.csv", {"crm/b.csv"}) in found
    assert (7, "write", "out.csv", {"crm/a.csv"}) in found  # b's data does not leak into a


def test_helpers_defined_below_main_are_known_when_main_runs() -> None:
    source = """
import pandas as pd
def main():
    save(load())
def load():
    return pd.read_parquet("in.parquet")
def save(frame):
    frame.to_csv("out.csv")
main()
"""
    assert (8, "write", "out.csv", {"in.parquet"}) in summary(source)


def test_function_never_called_reports_its_parameters_as_dynamic() -> None:
    source = """
import pandas as pd
def export(frame, target):
    frame.to_csv(target)
"""
    (write,) = ops(source)
    assert write.destination.kind == "unknown" and write.destination.name == "target"
    assert write.dynamic_reason.startswith("parameter `target` of `export()`")
    # what it writes is what it is given: data of unknown origin, never data from nowhere
    assert [s.name for s in write.sources] == ["parameter `frame` of `export()` (line 3)"]
    assert write.from_parameters and write.to_parameter


def test_recursive_function_does_not_loop() -> None:
    source = """
import pandas as pd
def walk(frame, depth):
    return frame if depth == 0 else walk(frame.head(), depth - 1)
walk(pd.read_csv("a.csv"), 3).to_csv("b.csv")
"""
    assert (5, "write", "b.csv", {"a.csv"}) in summary(source)


def test_anonymization_inside_a_function_reaches_the_callers_lineage() -> None:
    source = """
import hashlib
import pandas as pd
def scrub(frame):
    frame["email"] = frame["email"].map(lambda v: hashlib.sha256(v.encode()).hexdigest())
    return frame.drop(columns=["phone"])
clean = scrub(pd.read_csv("c.csv"))
clean.to_csv("out.csv")
"""
    extraction = extract(source)
    at_call = [e for e in extraction.edges if e.location.line == 7]
    assert {e.transform for e in at_call} >= {"anonymize", "project"}
    assert any(e.anonymized == ("email",) for e in at_call)
    assert any(e.dropped == ("phone",) for e in at_call)


def test_pipe_applies_a_user_function() -> None:
    source = """
import polars as pl
def active(frame):
    return frame.filter(pl.col("active"))
pl.read_parquet("s.parquet").pipe(active).write_csv("a.csv")
"""
    assert summary(source) == [
        (4, "filter", None, {"s.parquet"}),
        (5, "read", "s.parquet", {"s.parquet"}),
        (5, "write", "a.csv", {"s.parquet"}),
    ]


def test_loop_over_literal_paths_reads_each_and_collected_frames_are_one_union() -> None:
    source = """
import pandas as pd
frames = []
for name in ["a", "b"]:
    frames.append(pd.read_csv(f"in/{name}.csv"))
pd.concat(frames).to_parquet("all.parquet")
"""
    assert summary(source) == [
        (5, "read", "in/a.csv", {"in/a.csv"}),
        (5, "read", "in/b.csv", {"in/b.csv"}),
        (6, "join", None, {"in/a.csv", "in/b.csv"}),
        (6, "write", "all.parquet", {"in/a.csv", "in/b.csv"}),
    ]


def test_loop_over_unknown_iterable_is_dynamic() -> None:
    source = "import pandas as pd\nfor p in list_inputs():\n    pd.read_csv(p)\n"
    (read,) = ops(source)
    assert read.dynamic and "loop variable over `list_inputs()`" in read.dynamic_reason


def test_a_loop_over_a_glob_reads_what_the_pattern_names() -> None:
    source = ("import glob\nimport pandas as pd\nfor p in glob.glob('d/*.csv'):\n"
              "    pd.read_csv(p)\n")
    (read,) = ops(source)
    assert not read.dynamic and [s.name for s in read.sources] == ["d/*.csv"]


def test_comprehension_over_literal_paths() -> None:
    source = """
import polars as pl
frames = [pl.read_csv(f"x/{d}.csv") for d in ("mon", "tue")]
pl.concat(frames).write_parquet("week.parquet")
"""
    assert [(line, action, place) for line, action, place, _ in summary(source)] == [
        (3, "read", "x/mon.csv"), (3, "read", "x/tue.csv"), (4, "join", None),
        (4, "write", "week.parquet")]


def test_csv_and_json_through_handles_are_one_read_each() -> None:
    source = """
import csv, json, pickle
with open("in.csv", newline="") as fh:
    rows = [r["email"] for r in csv.DictReader(fh)]
with open("m.pkl", "rb") as fh:
    model = pickle.load(fh)
with open("out.json", "w") as out:
    json.dump(rows, out)
"""
    assert summary(source) == [
        (3, "read", "in.csv", {"in.csv"}),
        (5, "read", "m.pkl", {"m.pkl"}),
        (8, "write", "out.json", {"in.csv"}),
    ]


def test_sqlite_cursor_results_and_insert_parameters() -> None:
    source = """
import sqlite3, csv
conn = sqlite3.connect("app.db")
cur = conn.cursor()
cur.execute("SELECT id, email FROM users")
rows = cur.fetchall()
with open("u.csv", "w") as fh:
    csv.writer(fh).writerows(rows)
staged = [r for r in csv.reader(open("new.csv"))]
conn.executemany("INSERT INTO contacts VALUES (?, ?)", staged)
"""
    found = summary(source)
    assert (8, "write", "u.csv", {"users"}) in found
    assert (10, "write", "contacts", {"new.csv"}) in found


def test_orm_query_and_lookalike_methods_are_not_operations() -> None:
    source = """
import configparser, logging
from sqlalchemy.orm import Session
from app.models import User
configparser.ConfigParser().read("settings.ini")
options = {"a": 1}
options.update({"b": 2})
logging.getLogger().info(", ".join(["x", "y"]))
with Session() as session:
    session.query(User).filter(User.id == 1).all()
"""
    assert ops(source) == []


def test_polars_and_spark_column_expressions_anonymize_named_columns() -> None:
    source = """
import polars as pl
from pyspark.sql import functions as F
a = pl.read_csv("u.csv").with_columns(pl.col("email").hash().alias("email_h"), pl.col("x") * 2)
b = spark.read.parquet("m").withColumn("phone", F.regexp_replace("phone", r"\\d", "*"))
"""
    edges = [e for e in extract(source).edges if e.transform == "anonymize"]
    assert [e.anonymized for e in edges] == [("email_h",), ("phone",)]


def test_chained_methods_on_their_own_lines_are_located_there() -> None:
    source = """
import pandas as pd
out = (
    pd.read_csv("t.csv")
    .query("amount > 0")
    .groupby("k")
    .agg(total=("amount", "sum"))
)
"""
    assert [(op.location.line, op.action) for op in ops(source)] == [
        (4, "read"), (5, "filter"), (7, "aggregate")]


def test_to_sql_schema_and_excel_writer_destinations() -> None:
    source = """
import pandas as pd
df = pd.read_csv("a.csv")
df.to_sql("scores", engine, schema="Marketing")
with pd.ExcelWriter("reports/r.xlsx") as writer:
    df.to_excel(writer, sheet_name="all")
"""
    assert [op.destination.name for op in ops(source) if op.destination] == [
        "marketing.scores", "reports/r.xlsx"]


def test_a_bigquery_table_written_with_its_project_is_named_with_it() -> None:
    """`project_id` qualifies the table as `schema` does a database's: a policy then knows
    whose project it is (`own_cloud_accounts`)."""
    source = """
import pandas as pd
import pandas_gbq
df = pd.read_csv("a.csv")
df.to_gbq("shared.customers", project_id="vendor-prod")
pandas_gbq.to_gbq(df, "shared.orders", "vendor-prod", if_exists="append")
df.to_gbq("reporting.daily")
"""
    assert [op.destination.name for op in ops(source) if op.destination] == [
        "vendor-prod.shared.customers", "vendor-prod.shared.orders", "reporting.daily"]


def test_a_class_without_init_passes_what_it_is_made_with_to_its_base() -> None:
    """`Holder(rows=pd.read_csv(p))` of `class Holder(dict): pass`: the read is a read; raised,
    an exception class of the project shows what it was made with."""
    source = """
import pandas as pd
class Holder(dict):
    pass
class BadRow(ValueError):
    pass
held = Holder(rows=pd.read_csv("data/customers.csv"))
raise BadRow(f"bad rows {pd.read_csv('data/orders.csv').head()}")
"""
    assert [(op.action, op.location.line) for op in ops(source)
            if op.action in ("read", "export")] == [("read", 7), ("export", 8), ("read", 8)]


def test_an_assert_message_with_data_is_raised_with_it() -> None:
    """`assert ok, f"bad phone in {row}"` raises AssertionError with the row in its message,
    like `raise`; the condition is evaluated too (a read in it is a read)."""
    source = """
import csv
import pandas as pd
for row in csv.DictReader(open("data/customers.csv")):
    assert row["phone"].startswith("+"), f"bad phone in {row}"
assert len(pd.read_csv("data/orders.csv")) > 0, "no orders"
"""
    assert [(op.action, op.location.line, op.destination.name if op.destination else None)
            for op in ops(source) if op.action in ("read", "export")] == [
        ("read", 4, None), ("export", 5, "log"), ("read", 6, None)]


def test_what_a_generator_yields_from_is_what_it_gives() -> None:
    source = """
import pandas as pd
import requests
def extract():
    yield from pd.read_csv("data/customers.csv").to_dict("records")
requests.post("https://api.vendor.example/v1/bulk", json=list(extract()))
"""
    assert (6, "export", "https://api.vendor.example/v1/bulk", {"data/customers.csv"}) \
        in summary(source)


def test_file_written_by_one_script_and_read_by_another_links_in_lineage() -> None:
    producer = extract('import pandas as pd\n'
                       'pd.read_csv("raw.csv").to_parquet("./stage/x.parquet")\n', "producer.py")
    consumer = extract('import pandas as pd\n'
                       'pd.read_parquet("stage/x.parquet").to_csv("~/x.csv")\n', "consumer.py")
    graph = build_graph([producer, consumer])
    assert graph.has_node("file:stage/x.parquet")
    import networkx as nx
    assert nx.has_path(graph, "file:raw.csv", "file:~/x.csv")


def test_a_function_returning_a_collected_list_and_its_own_data() -> None:
    source = """
import pandas as pd
def gather(frames):
    return pd.concat([*frames, pd.read_csv("extra.csv")])
gather([pd.read_csv("a.csv")]).to_csv("out.csv")
"""
    assert (5, "write", "out.csv", {"a.csv", "extra.csv"}) in summary(source)


def test_string_arguments_of_a_called_helper_are_not_data() -> None:
    source = """
def commas(text):
    return text.count(",")
commas("a,b")
"""
    assert ops(source) == []
