"""Accuracy and speed of SQL lineage against a peer tool's test corpus.

Runs the shared corpora (bench/shared_corpora.py) `sql_table_lineage.json` (sql, dialect,
expected sources and targets) and `sql_column_lineage.json` (expected source column -> target
column pairs) through `analyse_script` and prints exact-match accuracy, statements per second,
and the failures.

The corpus comes from sqllineage's test suite, so it is scored by sqllineage's conventions,
applied here and never in the product:
- a script's lineage is one graph: each statement adds edges source -> target; a table written
  and later read is intermediate and is neither a source nor a target of the script; a table
  only read (SELECT) is a source, one only written is a target; `DROP` removes a table with no
  lineage left; `RENAME` relabels it; DELETE, TRUNCATE and CACHE are not lineage;
- statements of one procedure body count as one statement (sqllineage does not split them);
- names compare case-insensitively (the product lower-cases table names, the corpus keeps the
  case of quoted ones) and without a trailing `/` (the product normalises paths);
- corpus dialect names map to sqlglot's (`sparksql` -> spark, `greenplum` -> postgres,
  `mariadb` -> mysql, dialects sqlglot lacks -> its generic one);
- column cases marked with a metadata provider ran with the test suite's schema: the same
  table -> columns mapping is passed to the product (`sql_lineage_schema.json`), as a user's
  catalog would be.

Usage: python bench/sql_lineage.py [-v] [--corpora DIR]   (-v lists every failure)
Without the corpora (they are not part of the repository) it says so and exits 0.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from lacuna_cli.extract.sql import StatementLineage, analyse_script
from shared_corpora import corpus_files

HERE = Path(__file__).resolve().parent
SCHEMA_FILE = HERE / "sql_lineage_schema.json"
DIALECTS = {"ansi": None, "sparksql": "spark", "greenplum": "postgres", "mariadb": "mysql",
            "db2": None, "vertica": None}
NOT_LINEAGE = {"delete", "truncate", "cache"}
RUNS = 3


def dialect_of(name: str) -> str | None:
    return DIALECTS.get(name, name)


def norm(name: str) -> str:
    return name.lower().rstrip("/")


def statement_sets(found: list[StatementLineage]) -> list[tuple[str, set[str], set[str]]]:
    """(kind, read, write) per top-level statement, procedure bodies merged; a rename reads
    only the table it renames."""
    groups: dict[int, tuple[list[str], set[str], set[str]]] = {}
    for statement in found:
        kinds, read, write = groups.setdefault(statement.statement, ([], set(), set()))
        kinds.append(statement.kind)
        if statement.kind == "rename":
            read.add(norm(statement.sources[0].name))
            write.add(norm(statement.target.name))
            continue
        read.update(norm(s.name) for s in statement.sources)
        if statement.target is not None:
            write.add(norm(statement.target.name))
    return [(kinds[0] if len(set(kinds)) == 1 else "mixed", read, write)
            for kinds, read, write in groups.values()]


def script_lineage(found: list[StatementLineage]) -> tuple[set[str], set[str]]:
    """Sources and targets of a whole script, the way sqllineage combines statements."""
    graph = nx.DiGraph()
    for kind, read, write in statement_sets(found):
        if kind in NOT_LINEAGE:
            continue
        if kind == "drop":
            for table in write:
                if table in graph and graph.degree[table] == 0:
                    graph.remove_node(table)
        elif kind == "rename":
            for old, new in zip(sorted(read), sorted(write), strict=False):
                if old in graph:
                    graph = nx.relabel_nodes(graph, {old: new})
        elif read and write:
            graph.add_edges_from((r, w) for r in read for w in write)
        else:
            for table in read | write:
                graph.add_node(table)
                graph.nodes[table]["only"] = "source" if read else "target"
    loops = {a for a, b in nx.selfloop_edges(graph)}
    sources = {n for n in graph if graph.in_degree(n) == 0 and graph.out_degree(n) > 0}
    targets = {n for n in graph if graph.out_degree(n) == 0 and graph.in_degree(n) > 0}
    sources |= loops | {n for n, d in graph.nodes(data=True) if d.get("only") == "source"}
    targets |= loops | {n for n, d in graph.nodes(data=True) if d.get("only") == "target"}
    return sources, targets


def column_pairs(found: list[StatementLineage], targets: set[str]) -> set[tuple[str, str]]:
    """(source table.column, target table.column) for columns landing in the script's targets."""
    pairs = set()
    for statement in found:
        target = statement.target
        if target is None or norm(target.name) not in targets:
            continue
        for entry in statement.column_lineage:
            for table, column in entry.sources:
                pairs.add((f"{norm(table)}.{column.lower()}",
                           f"{norm(target.name)}.{entry.column}"))
    return pairs


def table_bench(cases: list[dict]) -> tuple[int, list[str]]:
    failures = []
    for case in cases:
        found, _ = analyse_script(case["sql"], dialect_of(case["dialect"]))
        sources, targets = script_lineage(found)
        expected = ({norm(s) for s in case["sources"]}, {norm(t) for t in case["targets"]})
        if (sources, targets) != expected:
            failures.append(f"{case['id']} [{case['dialect']}] {case['sql'][:90]!r}\n"
                            f"    got {sorted(sources)} -> {sorted(targets)}\n"
                            f"    want {sorted(expected[0])} -> {sorted(expected[1])}")
    return len(cases) - len(failures), failures


def column_bench(cases: list[dict], schema: dict[str, list[str]]) -> tuple[int, list[str]]:
    failures = []
    for case in cases:
        given = schema if case.get("metadata_provider") else None
        found, _ = analyse_script(case["sql"], dialect_of(case["dialect"]), given)
        _, targets = script_lineage(found)
        got = column_pairs(found, targets)
        want = {(f"{norm(s[1] or 'none')}.{s[0].lower()}", f"{norm(t[1])}.{t[0].lower()}")
                for s, t in case["column_lineage"]}
        if got != want:
            failures.append(f"{case['id']} {case['sql'].strip()[:90]!r}\n"
                            f"    missing {sorted(want - got)}\n    extra {sorted(got - want)}")
    return len(cases) - len(failures), failures


def speed(cases: Iterable[dict]) -> tuple[int, float]:
    """Top-level statements analysed per second (best of RUNS passes over the corpus)."""
    cases = list(cases)
    statements = 0
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        count = 0
        for case in cases:
            found, problems = analyse_script(case["sql"], dialect_of(case["dialect"]))
            count += len({s.statement for s in found}) + len(problems)
        best = min(best, time.perf_counter() - start)
        statements = count
    return statements, statements / best


def main() -> None:
    verbose = "-v" in sys.argv
    table_file, column_file = corpus_files("sql_table_lineage.json", "sql_column_lineage.json")
    tables = json.loads(table_file.read_text())
    columns = json.loads(column_file.read_text())
    schema = json.loads(SCHEMA_FILE.read_text())
    table_ok, table_failures = table_bench(tables)
    column_ok, column_failures = column_bench(columns, schema)
    statements, rate = speed(tables)
    print(f"table lineage:  {table_ok}/{len(tables)} = {100 * table_ok / len(tables):.1f}%")
    print(f"column lineage: {column_ok}/{len(columns)} = {100 * column_ok / len(columns):.1f}%")
    print(f"speed: {statements} statements in the table corpus, {rate:,.0f} statements/s")
    if verbose:
        print("\n-- table failures", *table_failures, sep="\n")
        print("\n-- column failures", *column_failures, sep="\n")
    elif table_failures or column_failures:
        print("(run with -v to list the failures)")


if __name__ == "__main__":
    main()
